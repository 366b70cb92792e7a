#include "tests/support/registries.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/image_builder.h"

namespace strata::test {
namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

bool have_registry_tools() {
  return fs::exists("/usr/bin/docker-registry") && fs::exists("/usr/bin/skopeo") && fs::exists("/usr/bin/htpasswd");
}

RealRegistry::RealRegistry(const std::string& user, const std::string& password)
    : dir_(temp_dir()), port_(free_port()), user_(user), password_(password) {
  std::ofstream config(dir_ + "/config.yml");
  config << "version: 0.1\n"
         << "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
         << "storage:\n  filesystem:\n    rootdirectory: " << dir_ << "/data\n  delete:\n    enabled: true\n"
         << "http:\n  addr: 127.0.0.1:" << port_ << "\n  secret: strata-test-secret\n";
  if (!user.empty()) {
    const auto hashed = run_command("htpasswd -Bbn '" + user + "' '" + password + "'", false);
    std::ofstream(dir_ + "/htpasswd") << hashed.out;
    config << "auth:\n  htpasswd:\n    realm: strata-test\n    path: " << dir_ << "/htpasswd\n";
  }
  config.close();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/bin/docker-registry", "serve", dir_ + "/config.yml"}, dir_ + "/registry.log");
  ready_ = eventually(20, [&] {
    const long status = http_get("http://" + host() + "/v2/").status;
    return status == 200 || status == 401;
  });
}

RealRegistry::~RealRegistry() {
  if (process_) process_->stop(10);
  fs::remove_all(dir_);
}

CommandResult RealRegistry::push(const std::string& source, const std::string& destination, bool all) const {
  std::string command = "skopeo --insecure-policy copy --quiet --dest-tls-verify=false";
  if (all) command += " --all";
  if (!user_.empty()) command += " --dest-creds '" + user_ + ":" + password_ + "'";
  command += " " + source + " docker://" + host() + "/" + destination;
  return run_command(command);
}

std::string RealRegistry::log() const { return read_text(dir_ + "/registry.log"); }

FaultRegistry::FaultRegistry(const std::string& layout_dir, const std::string& repository,
                             const std::vector<std::string>& faults)
    : dir_(temp_dir()) {
  std::vector<std::string> argv = {"/usr/bin/python3", std::string(STRATA_SOURCE_DIR) + "/tests/support/fault_registry.py",
                                   layout_dir, repository, "--log", dir_ + "/requests.jsonl", "--seconds", "180"};
  argv.insert(argv.end(), faults.begin(), faults.end());
  process_ = std::make_unique<ChildProcess>(argv, dir_ + "/stdout.log");
  eventually(20, [&] {
    const std::string out = read_text(dir_ + "/stdout.log");
    const auto newline = out.find('\n');
    if (newline == std::string::npos) return false;
    port_ = std::stoi(out.substr(0, newline));
    return true;
  });
}

FaultRegistry::~FaultRegistry() {
  if (process_) process_->stop(10);
  fs::remove_all(dir_);
}

std::vector<nlohmann::json> FaultRegistry::requests() const {
  std::vector<nlohmann::json> out;
  std::istringstream lines(read_text(dir_ + "/requests.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

}  // namespace strata::test
