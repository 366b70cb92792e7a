// Connections to PostgreSQL: bounded statements unless the URL says otherwise.
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

// Issue 14, defect 6: a statement that never ends must not hold a coordinator thread for ever.
TEST_F(StoreTest, ConnectionsHaveTimeoutsUnlessTheUrlSetsThem) {
  auto plain = PgConnection::connect(url_);
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ((*plain)->exec("SHOW statement_timeout")->get(0, 0), "2min");
  auto own = PgConnection::connect(url_ + "?options=-c%20statement_timeout%3D5s");
  ASSERT_TRUE(own) << own.error().message();
  EXPECT_EQ((*own)->exec("SHOW statement_timeout")->get(0, 0), "5s");
  auto slow = (*own)->exec("SELECT pg_sleep(10)");
  ASSERT_FALSE(slow);
  EXPECT_NE(slow.error().message().find("statement timeout"), std::string::npos) << slow.error().message();
}

}  // namespace
}  // namespace strata::coordinator::test_store
