// Migrations: applied once however often they run, recorded, and a broken one rolls back whole.
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

TEST_F(StoreTest, MigrationsRunOnceAndAreRecorded) {
  auto again = apply_migrations(*db_, builtin_migrations());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  auto recorded = db_->exec("SELECT name FROM schema_migrations ORDER BY name");
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->rows(), static_cast<int>(builtin_migrations().size()));
  EXPECT_EQ(recorded->get(0, 0), "001_init");
  // A broken migration rolls back whole and names itself.
  auto broken = apply_migrations(*db_, {{"999_broken", "CREATE TABLE half (x INT); SELECT nonsense FROM nowhere;"}});
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("999_broken"), std::string::npos);
  EXPECT_EQ(db_->exec("SELECT 1 FROM pg_tables WHERE tablename = 'half'")->rows(), 0);
}

}  // namespace
}  // namespace strata::coordinator::test_store
