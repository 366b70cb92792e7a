#include "common/image/hygiene.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

#include "common/image/base_tools.h"

namespace strata {
namespace {

// A layer this large under an application copy is worth reordering for.
constexpr std::uint64_t kLargeInstallBytes = 10'000'000;
// dive's CI defaults: flag below 90% efficiency, or above 20 MB wasted; ignore under 1 MB.
constexpr double kLowestEfficiency = 0.9;
constexpr std::uint64_t kHighestWastedBytes = 20'000'000;
constexpr std::uint64_t kNegligibleWastedBytes = 1'000'000;
constexpr std::size_t kWastedEvidence = 5;

std::string_view basename(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string short_id(const std::string& layer) { return layer.size() > 19 ? layer.substr(0, 19) : layer; }

std::string clip(std::string_view s, std::size_t n = 80) {
  return s.size() <= n ? std::string(s) : std::string(s.substr(0, n)) + "…";
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// A build step as its Dockerfile instruction and the rest of the line, from both the classic
// builder's history ("/bin/sh -c #(nop) COPY dir:… in /app", "/bin/sh -c pip install …") and
// BuildKit's ("COPY . /app # buildkit", "RUN /bin/sh -c pip install … # buildkit").
struct Step {
  std::string instruction;
  std::string_view rest;
};

Step parse_step(std::string_view line) {
  if (line.ends_with("# buildkit")) line.remove_suffix(10);
  while (line.ends_with(' ')) line.remove_suffix(1);
  bool shell_form = false;
  if (line.starts_with("/bin/sh -c ")) {
    line.remove_prefix(11);
    shell_form = true;
  }
  while (line.starts_with(' ')) line.remove_prefix(1);
  if (line.starts_with("#(nop)")) {
    line.remove_prefix(6);
    shell_form = false;
  }
  while (line.starts_with(' ')) line.remove_prefix(1);
  const auto space = line.find(' ');
  const std::string_view first = line.substr(0, space);
  const bool instruction = !first.empty() && std::all_of(first.begin(), first.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || c == '-';
  });
  if (instruction && !shell_form) {
    std::string_view rest = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (first == "RUN" && rest.starts_with("/bin/sh -c ")) rest.remove_prefix(11);
    return {std::string(first), rest};
  }
  return {shell_form ? "RUN" : "", line};
}

// Files a dependency install reads: copying only these before the install is the good order.
bool is_dependency_manifest(std::string_view source) {
  const std::string_view base = basename(source);
  static constexpr std::array<std::string_view, 24> kManifests = {
      "package.json",     "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",      "pnpm-lock.yaml",
      "requirements.txt", "Pipfile",           "Pipfile.lock",        "poetry.lock",    "pyproject.toml",
      "setup.py",         "setup.cfg",         "go.mod",              "go.sum",         "Gemfile",
      "Gemfile.lock",     "composer.json",     "composer.lock",       "Cargo.toml",     "Cargo.lock",
      "pom.xml",          "build.gradle",      "packages.lock.json",  "package*.json"};
  if (std::find(kManifests.begin(), kManifests.end(), base) != kManifests.end()) return true;
  return (base.starts_with("requirements") && base.ends_with(".txt")) || base.ends_with(".csproj") ||
         base.ends_with(".gradle.kts");
}

// Whether a COPY/ADD step brings in application files rather than only dependency manifests.
// The classic builder names single files by hash ("file:3f…"): those are not judged.
bool copies_application(std::string_view rest) {
  std::vector<std::string_view> args;
  for (auto w : words(rest)) {
    if (!w.starts_with("--")) args.push_back(w);
  }
  if (args.size() >= 3 && args[args.size() - 2] == "in") args.erase(args.end() - 2);  // "dir:… in /app"
  if (args.size() < 2) return false;
  args.pop_back();  // the destination
  bool application = false;
  for (auto source : args) {
    if (source.starts_with("file:") || source.starts_with("http://") || source.starts_with("https://")) return false;
    if (!is_dependency_manifest(source)) application = true;
  }
  return application;
}

bool installs_dependencies(std::string_view command) {
  static constexpr std::array<std::string_view, 21> kInstalls = {
      "pip install",    "pip3 install",     "npm install",    "npm ci",         "yarn install",
      "pnpm install",   "go mod download",  "bundle install", "gem install",    "composer install",
      "mvn ",           "gradle ",          "apt-get install", "apt install",   "apk add",
      "yum install",    "dnf install",      "microdnf install", "cargo build",  "dotnet restore",
      "poetry install"};
  return std::any_of(kInstalls.begin(), kInstalls.end(),
                     [&](std::string_view k) { return command.find(k) != std::string_view::npos; });
}

const LayerEfficiency* layer_size(const ImageInventory& inv, const std::string& layer) {
  for (const auto& l : inv.view.efficiency.layers) {
    if (l.layer == layer) return &l;
  }
  return nullptr;
}

void check_step_order(const ImageInventory& inv, std::vector<Misconfiguration>& out) {
  const std::vector<std::string> step_layers = history_layers(inv);
  for (std::size_t i = 1; i < inv.history.size(); ++i) {
    const Step copy = parse_step(inv.history[i].created_by);
    if ((copy.instruction != "COPY" && copy.instruction != "ADD") || step_layers[i].empty() ||
        !copies_application(copy.rest)) {
      continue;
    }
    const LayerEfficiency* copied = layer_size(inv, step_layers[i]);
    if (copied == nullptr) continue;
    for (std::size_t j = i + 1; j < inv.history.size(); ++j) {
      const Step run = parse_step(inv.history[j].created_by);
      if (run.instruction != "RUN" || step_layers[j].empty() || !installs_dependencies(run.rest)) continue;
      const LayerEfficiency* installed = layer_size(inv, step_layers[j]);
      if (installed == nullptr || installed->bytes_added < kLargeInstallBytes ||
          installed->bytes_added < 4 * copied->bytes_added) {
        continue;
      }
      out.push_back({"STRATA-HYG-001", "Application files copied before a large dependency install", "LOW",
                     "Copy only the dependency manifests (requirements.txt, package*.json, go.mod, …) before the "
                     "install step and the application after it, so a code change does not rebuild and re-ship "
                     "the dependencies.",
                     {"step " + std::to_string(i + 1) + ": " + copy.instruction + " " + clip(copy.rest) + " (" +
                          human_bytes(copied->bytes_added) + ")",
                      "step " + std::to_string(j + 1) + ": RUN " + clip(run.rest) + " (" +
                          human_bytes(installed->bytes_added) + ")"},
                     step_layers[i]});
      break;
    }
  }
}

void check_waste(const ImageInventory& inv, std::vector<Misconfiguration>& out) {
  const ImageEfficiency& e = inv.view.efficiency;
  if (!e.measured || e.wasted_bytes < kNegligibleWastedBytes ||
      (e.score >= kLowestEfficiency && e.wasted_bytes <= kHighestWastedBytes)) {
    return;
  }
  char score[16];
  std::snprintf(score, sizeof score, "%.1f%%", e.score * 100.0);
  std::vector<std::string> evidence = {"efficiency " + std::string(score) + ": " + human_bytes(e.wasted_bytes) +
                                       " of " + human_bytes(e.total_bytes) + " hidden by later writes"};
  for (std::size_t k = 0; k < e.largest_wasted.size() && k < kWastedEvidence; ++k) {
    const WastedFile& w = e.largest_wasted[k];
    evidence.push_back(w.path + " " + human_bytes(w.bytes) + " (" + (w.deleted ? "deleted" : "overwritten") +
                       " in " + short_id(w.hidden_by) + ")");
  }
  const auto worst = std::max_element(e.layers.begin(), e.layers.end(), [](const auto& a, const auto& b) {
    return a.bytes_wasted < b.bytes_wasted;
  });
  out.push_back({"STRATA-HYG-002", "Layers carry bytes that later layers hide", "LOW",
                 "Delete temporary files in the same RUN step that made them, and set ownership and modes "
                 "with `COPY --chown/--chmod` instead of a later `chown -R`/`chmod -R`.",
                 std::move(evidence), worst == e.layers.end() ? std::string() : worst->layer});
}

// The program the container starts, relative to the image root when it is a path: argv[0] of
// Entrypoint + Cmd, looking through `sh -c "…"` and init wrappers.
std::string entry_program(const RuntimeConfig& r) {
  std::vector<std::string> argv = r.entrypoint;
  argv.insert(argv.end(), r.cmd.begin(), r.cmd.end());
  std::vector<std::string_view> parts(argv.begin(), argv.end());
  std::string_view shell_command;
  if (parts.size() >= 3 && (basename(parts[0]) == "sh" || basename(parts[0]) == "bash") && parts[1] == "-c") {
    shell_command = parts[2];
    parts = words(shell_command);
  }
  for (auto p : parts) {
    const std::string_view b = basename(p);
    if (b == "tini" || b == "dumb-init" || b == "--" || b == "exec" || b == "gosu" || b == "su-exec") continue;
    if (p.starts_with("/")) return std::string(p.substr(1));
    if (p.starts_with("./") || p.find('/') != std::string_view::npos) {
      std::string dir = r.working_dir;
      while (dir.starts_with("/")) dir.erase(0, 1);
      if (!dir.empty() && !dir.ends_with("/")) dir += '/';
      return dir + std::string(p.starts_with("./") ? p.substr(2) : p);
    }
    return std::string(p);
  }
  return {};
}

// What kind of program `program` is, when it is one a distroless base exists for.
std::string program_kind(const ImageInventory& inv, const std::string& program) {
  if (program.empty()) return {};
  const bool bare = program.find('/') == std::string::npos;
  for (const auto& ip : inv.view.packages) {
    if (ip.package.ecosystem != Ecosystem::kGolang) continue;
    if (ip.package.path == program || (bare && basename(ip.package.path) == program)) return "a Go binary";
  }
  const std::string_view b = basename(program);
  if (b.starts_with("python")) return "the Python runtime";
  if (b == "node" || b == "nodejs") return "the Node.js runtime";
  if (b == "java") return "the Java runtime";
  if (b == "dotnet") return "the .NET runtime";
  return {};
}

void check_distroless(const ImageInventory& inv, std::vector<Misconfiguration>& out) {
  const BaseTools tools = base_tools(inv.view.facts);
  if (tools.shells.empty() || tools.package_managers.empty()) return;  // not a full distro base
  const std::string program = entry_program(inv.runtime);
  const std::string kind = program_kind(inv, program);
  if (kind.empty()) return;
  // A single runtime: the application's own packages come from at most one ecosystem.
  std::set<Ecosystem> ecosystems;
  std::size_t os_packages = 0;
  for (const auto& ip : inv.view.packages) {
    if (is_os_ecosystem(ip.package.ecosystem)) {
      ++os_packages;
    } else if (ip.package.os_owner.empty() && ip.package.ecosystem != Ecosystem::kGolang) {
      ecosystems.insert(ip.package.ecosystem);
    }
  }
  if (ecosystems.size() > 1) return;
  out.push_back({"STRATA-HYG-003", "Could run on a distroless base", "LOW",
                 "Build the application in a build stage and copy it onto a distroless base "
                 "(gcr.io/distroless/static, /base, /python3, /nodejs, /java) or scratch: no shell, no package "
                 "manager, far fewer packages to patch.",
                 {"starts " + program + ": " + kind,
                  std::to_string(os_packages) + " OS packages, shell " + tools.shells.front() +
                      ", package manager " + tools.package_managers.front()},
                 {}});
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 5> kUnits = {"B", "kB", "MB", "GB", "TB"};
  if (bytes < 1000) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < kUnits.size()) {
    value /= 1000.0;
    ++unit;
  }
  char out[32];
  std::snprintf(out, sizeof out, "%.1f %s", value, kUnits[unit]);
  return out;
}

BaseTools base_tools(const ImageFacts& facts) {
  BaseTools tools;
  for (const auto& p : facts.present) {
    if (std::find(kShellPaths.begin(), kShellPaths.end(), p) != kShellPaths.end()) tools.shells.push_back(p);
    if (std::find(kPackageManagerPaths.begin(), kPackageManagerPaths.end(), p) != kPackageManagerPaths.end()) {
      tools.package_managers.push_back(p);
    }
  }
  return tools;
}

std::string hygiene_summary(const ImageInventory& inventory) {
  const ImageEfficiency& e = inventory.view.efficiency;
  if (!e.measured) return {};
  char score[16];
  std::snprintf(score, sizeof score, "%.1f%%", e.score * 100.0);
  const BaseTools tools = base_tools(inventory.view.facts);
  std::string out = "efficiency " + std::string(score) + " (" + human_bytes(e.wasted_bytes) + " of " +
                    human_bytes(e.total_bytes) + " wasted); distroless: ";
  if (tools.distroless()) return out + "yes (no shell, no package manager)";
  out += "no (";
  if (!tools.shells.empty()) out += "shell " + tools.shells.front();
  if (!tools.package_managers.empty()) {
    out += std::string(tools.shells.empty() ? "" : ", ") + "package manager " + tools.package_managers.front();
  }
  return out + ")";
}

std::vector<Misconfiguration> check_hygiene(const ImageInventory& inventory) {
  std::vector<Misconfiguration> out;
  check_step_order(inventory, out);
  check_waste(inventory, out);
  check_distroless(inventory, out);
  return out;
}

}  // namespace strata
