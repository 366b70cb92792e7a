#include "cli/output.h"

#include <fstream>
#include <iostream>

namespace strata::cli {

int write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "strata: error: writing standard output failed\n";
      return 2;
    }
    return 0;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "strata: error: " << path << ": cannot write\n";
    return 2;
  }
  return 0;
}

}  // namespace strata::cli
