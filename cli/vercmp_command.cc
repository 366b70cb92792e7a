#include "cli/vercmp_command.h"

#include <iostream>
#include <memory>
#include <string>

#include "common/ecosystems.h"
#include "common/version/comparator.h"

namespace strata::cli {
namespace {

int run(const std::string& ecosystem) {
  const EcosystemInfo* row = find_ecosystem(ecosystem);
  if (row == nullptr) {
    std::cerr << "strata: error: unknown ecosystem '" << ecosystem << "'; known: " << ecosystem_names() << "\n";
    return 2;
  }
  const VersionComparator& comparator = row->comparator();
  std::ios::sync_with_stdio(false);
  std::string line, out;
  std::size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto tab = line.find('\t');
    if (tab == std::string::npos) {
      out += "error: line " + std::to_string(line_no) + " has no tab between the two versions\n";
    } else {
      const std::string_view a = std::string_view(line).substr(0, tab);
      const std::string_view b = std::string_view(line).substr(tab + 1);
      Result<void> valid = comparator.validate(a);
      if (valid) valid = comparator.validate(b);
      auto result = valid ? comparator.compare(a, b) : std::unexpected(valid.error());
      if (!result) {
        out += "error: " + result.error().message() + "\n";
      } else {
        out += *result < 0 ? "<\n" : *result > 0 ? ">\n" : "=\n";
      }
    }
    if (out.size() > (1 << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out;
  std::cout.flush();
  return std::cout ? 0 : 2;
}

}  // namespace

void add_vercmp_command(CLI::App& app, int* exit_code) {
  auto ecosystem = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "vercmp", "Compare version pairs \"A<TAB>B\" read from standard input; prints <, = or > per line");
  cmd->add_option("--ecosystem,-e", *ecosystem, ecosystem_names() + " (or an OSV ecosystem name)")
      ->required();
  cmd->callback([ecosystem, exit_code] { *exit_code = run(*ecosystem); });
}

}  // namespace strata::cli
