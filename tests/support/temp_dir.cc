#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "tests/support/image_builder.h"

namespace strata::test {

std::string temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "strata-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace strata::test
