// A TCP port on loopback that nothing listens on right now, for a server a test starts.
#pragma once

namespace strata::test {

int free_port();

}  // namespace strata::test
