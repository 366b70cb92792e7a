#include "common/digest.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(Digest, ParsesAndPrintsSha256) {
  const std::string text = "sha256:" + std::string(64, 'a');
  auto d = Digest::parse(text);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->to_string(), text);
}

TEST(Digest, RejectsMalformed) {
  struct Case {
    std::string input;
    ErrorCode code;
  };
  for (const Case& c : std::vector<Case>{{"sha256:abc", ErrorCode::kInvalidInput},
                                         {"md5:" + std::string(32, 'a'), ErrorCode::kUnsupported},
                                         {"nocolon", ErrorCode::kInvalidInput},
                                         {"sha256:" + std::string(64, 'G'), ErrorCode::kInvalidInput},
                                         {"sha256:" + std::string(64, 'A'), ErrorCode::kInvalidInput}}) {
    SCOPED_TRACE(c.input);
    auto d = Digest::parse(c.input);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code(), c.code);
  }
}

TEST(Sha256, MatchesKnownVector) {
  EXPECT_EQ(Sha256::of(as_bytes("abc")).hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace strata
