#include "common/vulndb/cvss.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(Cvss3, BaseScoresOfKnownVectors) {
  struct Case {
    const char* vector;
    double score;
  };
  // Scores as FIRST's calculator gives them.
  for (const Case& c : std::vector<Case>{
           {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
           {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5},
           {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
           {"CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9},
           {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
           {"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6},
           {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
           {"CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 6.5},
       }) {
    SCOPED_TRACE(c.vector);
    auto score = cvss3_base_score(c.vector);
    ASSERT_TRUE(score) << score.error().message();
    EXPECT_DOUBLE_EQ(*score, c.score);
  }
}

TEST(Cvss3, RejectsMalformedVectors) {
  for (const char* v : {"CVSS:2.0/AV:N", "CVSS:3.1/AV:N/AC:L", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                        "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}) {
    EXPECT_FALSE(cvss3_base_score(v)) << v;
  }
}

TEST(Cvss3, Ratings) {
  EXPECT_EQ(cvss_rating(9.0), SeverityLevel::kCritical);
  EXPECT_EQ(cvss_rating(8.9), SeverityLevel::kHigh);
  EXPECT_EQ(cvss_rating(4.0), SeverityLevel::kMedium);
  EXPECT_EQ(cvss_rating(0.1), SeverityLevel::kLow);
  EXPECT_EQ(cvss_rating(0.0), SeverityLevel::kUnknown);
}

}  // namespace
}  // namespace strata

#include "common/vulndb/cvss4.h"

namespace strata {
namespace {

TEST(Cvss4, ScoresOfKnownVectors) {
  struct Case {
    const char* vector;
    double score;
  };
  // Values of FIRST's CVSS v4.0 calculator.
  for (const Case& c : std::vector<Case>{
           {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
           {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9},
           {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0},
           {"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5},
           {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
           // Threat and environmental metrics change the score.
           {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1},
           {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MVC:N/MVI:N/MVA:N", 0.0},
       }) {
    SCOPED_TRACE(c.vector);
    auto score = cvss4_score(c.vector);
    ASSERT_TRUE(score) << score.error().message();
    EXPECT_DOUBLE_EQ(*score, c.score);
  }
}

TEST(Cvss4, RejectsMalformedVectors) {
  for (const char* v : {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:4.0/AV:N/AC:L/AT:N",
                        "CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                        "CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:1"}) {
    EXPECT_FALSE(cvss4_score(v)) << v;
  }
}

}  // namespace
}  // namespace strata
