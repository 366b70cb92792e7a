// Which addresses a tenant-named registry may resolve to (issue 14, defect 10).
#include "common/net/address_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

namespace strata {
namespace {

std::string reason(const char* text) {
  std::array<std::uint8_t, 16> v6{};
  std::array<std::uint8_t, 4> v4{};
  if (::inet_pton(AF_INET, text, v4.data()) == 1) return non_public_reason_v4(v4);
  if (::inet_pton(AF_INET6, text, v6.data()) == 1) return non_public_reason_v6(v6);
  ADD_FAILURE() << "not an address: " << text;
  return "?";
}

TEST(AddressPolicy, OnlyGlobalUnicastIsPublic) {
  struct Case {
    const char* address;
    const char* why;  // "" when public
  };
  const Case cases[] = {
      {"8.8.8.8", ""},
      {"140.82.112.3", ""},
      {"2606:4700::6810:84e5", ""},
      {"127.0.0.1", "loopback"},
      {"127.255.1.2", "loopback"},
      {"0.0.0.0", "unspecified (\"this network\")"},
      {"10.1.2.3", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"172.32.0.1", ""},
      {"192.168.1.1", "private"},
      {"169.254.169.254", "link-local or metadata"},
      {"100.64.0.1", "shared (carrier-grade NAT)"},
      {"224.0.0.1", "multicast"},
      {"255.255.255.255", "reserved or broadcast"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:169.254.169.254", "link-local or metadata"},
      {"::ffff:8.8.8.8", ""},
      {"::10.0.0.1", "private"},
      {"fd00::1", "private (unique local)"},
      {"fe80::1", "link-local"},
      {"ff02::1", "multicast"},
      {"2001:db8::1", "documentation"},
      {"64:ff9b::a9fe:a9fe", "link-local or metadata"},  // NAT64 of 169.254.169.254
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.address);
    EXPECT_EQ(reason(c.address), c.why);
  }
}

}  // namespace
}  // namespace strata
