// `strata db update --mirror URL` against a local HTTP server the test starts on loopback,
// serving OSV all.zip archives the test writes, including a server that fails on purpose.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/shared_data.h"

extern char** environ;

namespace strata {
namespace {

namespace fs = std::filesystem;

test::CommandResult run(const std::string& command) { return test::run_command(command); }

// The feed server as a child process; stopped (by its pid) when the test ends.
class FeedServer {
 public:
  explicit FeedServer(const std::string& directory) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const std::string script = std::string(STRATA_SOURCE_DIR) + "/tests/e2e/feed_server.py";
    std::vector<std::string> args = {"/usr/bin/python3", script, directory, "--seconds", "120"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    port_ = line;
  }
  ~FeedServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string url() const { return "http://127.0.0.1:" + port_; }
  bool running() const { return pid_ > 0 && !port_.empty(); }

 private:
  pid_t pid_ = -1;
  std::string port_;
};

class DbUpdate : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir();
    // OSV archives per ecosystem, as the OSV bucket lays them out: ECOSYSTEM/all.zip.
    write_zip(dir_ + "/www/Debian/all.zip",
              {{"DEBIAN-CVE-2024-1.json", R"({"id":"DEBIAN-CVE-2024-1","aliases":["CVE-2024-1"],"affected":[{"package":{"ecosystem":"Debian:12","name":"bash"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"5.2.15-2+b3"}]}]}]})"},
               {"broken.json", "{not json"}});
    write_zip(dir_ + "/www/Alpine/all.zip",
              {{"ALPINE-CVE-2024-2.json", R"({"id":"ALPINE-CVE-2024-2","affected":[{"package":{"ecosystem":"Alpine:v3.19","name":"musl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.4-r3"}]}]}]})"}});
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& files) {
    fs::create_directories(fs::path(path).parent_path());
    std::string script = "import zipfile,sys\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n";
    for (const auto& [name, text] : files) {
      std::ofstream(dir_ + "/" + name) << text;
      script += "    z.write('" + dir_ + "/" + name + "', '" + name + "')\n";
    }
    std::ofstream(dir_ + "/mkzip.py") << script;
    ASSERT_EQ(run("/usr/bin/python3 " + dir_ + "/mkzip.py " + path).exit_code, 0);
  }

  std::string update(const std::string& mirror, const std::string& extra = "") {
    return std::string(STRATA_BINARY) + " db update --db " + dir_ + "/db/vulndb.sqlite --mirror " + mirror +
           " --ecosystem Debian --ecosystem Alpine " + extra;
  }

  std::string dir_;
};

TEST_F(DbUpdate, DownloadsFromAMirrorAndImports) {
  FeedServer server(dir_ + "/www");
  ASSERT_TRUE(server.running());
  const auto r = run(update(server.url()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("imported 2 records (osv 2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("all.zip:broken.json: not valid JSON"), std::string::npos) << r.out;
  const auto info = run(std::string(STRATA_BINARY) + " db info --db " + dir_ + "/db/vulndb.sqlite");
  EXPECT_NE(info.out.find("Alpine:v3.19: 1"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("Debian:12: 1"), std::string::npos) << info.out;
}

TEST_F(DbUpdate, RetriesServerErrorsAndRateLimitsAndFollowsRedirects) {
  FeedServer server(dir_ + "/www");
  ASSERT_TRUE(server.running());
  for (const char* prefix : {"/flaky", "/limited", "/moved"}) {
    SCOPED_TRACE(prefix);
    const auto r = run(update(server.url() + prefix));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("imported 2 records"), std::string::npos) << r.out;
  }
}

TEST_F(DbUpdate, MissingArchiveIsNamedAndTheRestImported) {
  FeedServer server(dir_ + "/www");
  ASSERT_TRUE(server.running());
  const auto r = run(update(server.url(), "--ecosystem Wolfi"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("Wolfi: " + server.url() + "/Wolfi/all.zip: HTTP 404 Not Found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("imported 2 records"), std::string::npos) << r.out;
  // Nothing listens on a closed port: a clear error, exit 2.
  const auto down = run(update("http://127.0.0.1:9", "--attempts 2"));
  EXPECT_EQ(down.exit_code, 2);
  EXPECT_NE(down.out.find("after 2 attempts"), std::string::npos) << down.out;
}

}  // namespace
}  // namespace strata
