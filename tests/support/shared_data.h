// Where ../shared/data lives (STRATA_SHARED_DATA, else next to the checkout), for conformance
// tests that must skip, saying why, when it is absent.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace strata::test {

inline std::string shared_data_dir() {
  if (const char* env = std::getenv("STRATA_SHARED_DATA")) return env;
  return STRATA_SOURCE_DIR "/../shared/data";
}

inline bool have_shared_data() { return std::filesystem::is_directory(shared_data_dir() + "/fixtures"); }

#define STRATA_REQUIRE_SHARED_DATA()                                                         \
  if (!::strata::test::have_shared_data())                                                   \
  GTEST_SKIP() << "shared data not found at " << ::strata::test::shared_data_dir()          \
               << " (set STRATA_SHARED_DATA); conformance test skipped"

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The tab-separated cells of one line (fields are not trimmed).
inline std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    cells.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return cells;
    start = tab + 1;
  }
}

// Rows of a TSV file, header row dropped.
inline std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_file(path));
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    rows.push_back(split_tabs(line));
  }
  return rows;
}

}  // namespace strata::test
