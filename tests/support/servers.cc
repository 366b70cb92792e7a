#include "tests/support/servers.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <libpq-fe.h>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"

namespace strata::test {
namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// KEY=VALUE lines into a map.
std::map<std::string, std::string> parse_env(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos && line.rfind("export ", 0) != 0) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

// The PostgreSQL server of this test process.
class Postgres {
 public:
  static Postgres& get() {
    static Postgres instance;
    return instance;
  }
  const std::string& url() const { return url_; }

 private:
  Postgres() {
    if (const char* env = std::getenv("STRATA_TEST_SERVICES_ENV"); env != nullptr && fs::exists(env)) {
      url_ = parse_env(read_all(env))["STRATA_DATABASE_URL"];
    }
    if (url_.empty()) {
      dir_ = temp_dir() + "/services";
      const auto r = run_command("bash " STRATA_SOURCE_DIR "/deploy/local/services.sh start " + dir_, false);
      if (r.exit_code != 0) throw std::runtime_error("cannot start PostgreSQL and Redis: " + r.out);
      url_ = parse_env(r.out)["STRATA_DATABASE_URL"];
    }
  }
  ~Postgres() { shutdown(); }
  void shutdown() {
    if (dir_.empty()) return;
    run_command("bash " STRATA_SOURCE_DIR "/deploy/local/services.sh stop " + dir_, false);
    fs::remove_all(fs::path(dir_).parent_path());
  }
  std::string url_;
  std::string dir_;
};

}  // namespace

std::string fresh_database_url() {
  const std::string base = Postgres::get().url();
  PGconn* conn = PQconnectdb(base.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("PostgreSQL at " + base + ": " + why);
  }
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<std::uint64_t>(::getpid()));
  const std::string name = "t" + std::to_string(rng() % 1000000000000ull);
  PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string why = PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("CREATE DATABASE " + name + ": " + why);
  return base.substr(0, base.rfind('/') + 1) + name;
}

void drop_database(const std::string& url) {
  const std::string base = Postgres::get().url();
  const std::string name = url.substr(url.rfind('/') + 1);
  PGconn* conn = PQconnectdb(base.c_str());
  PGresult* r = PQexec(conn, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string why = PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("DROP DATABASE " + name + ": " + why);
}

void make_test_certificates(const std::string& dir) {
  fs::create_directories(dir);
  const auto made = run_command(
      "cd " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=strata-test-ca "
      "-keyout ca.key -out ca.pem 2>&1 && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
      "-keyout server.key -out server.csr 2>&1 && printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile ext.cnf "
      "-out server.pem 2>&1");
  if (made.exit_code != 0) throw std::runtime_error("openssl: " + made.out);
}

RedisServer::RedisServer(std::string tls_dir) : dir_(temp_dir()), tls_dir_(std::move(tls_dir)), port_(free_port()) {
  start();
}

RedisServer::~RedisServer() {
  stop();
  fs::remove_all(dir_);
}

void RedisServer::start() {
  if (pid_ > 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    const std::string port = std::to_string(port_);
    std::vector<std::string> argv = {"redis-server", "--bind", "127.0.0.1", "--dir", dir_, "--save", "", "--appendonly",
                                     "no", "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"};
    if (tls_dir_.empty()) {
      argv.insert(argv.end(), {"--port", port});
    } else {
      argv.insert(argv.end(), {"--port", "0", "--tls-port", port, "--tls-cert-file", tls_dir_ + "/server.pem",
                               "--tls-key-file", tls_dir_ + "/server.key", "--tls-ca-cert-file", tls_dir_ + "/ca.pem",
                               "--tls-auth-clients", "no"});
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp("redis-server", args.data());
    ::_exit(127);
  }
  const std::string cli = "redis-cli -p " + std::to_string(port_) +
                          (tls_dir_.empty() ? "" : " --tls --cacert " + tls_dir_ + "/ca.pem");
  eventually(10, [&] { return run_command(cli + " ping", false).out == "PONG\n"; });
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string log_path) : log_path_(std::move(log_path)) {
  pid_ = ::fork();
  if (pid_ == 0) {
    const int out = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(out, 1);
    ::dup2(out, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (!reaped_) stop(5);
}

bool ChildProcess::running() {
  if (reaped_) return false;
  const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) reaped_ = true;
  return !reaped_;
}

void ChildProcess::signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

int ChildProcess::wait() {
  if (!reaped_) {
    ::waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -WTERMSIG(status_);
}

int ChildProcess::stop(int seconds) {
  if (reaped_) return WIFEXITED(status_) ? WEXITSTATUS(status_) : -WTERMSIG(status_);
  ::kill(pid_, SIGTERM);
  if (!eventually(seconds, [&] { return !running(); })) ::kill(pid_, SIGKILL);
  return wait();
}

std::string ChildProcess::log() const { return read_all(log_path_); }

bool eventually(double seconds, const std::function<bool()>& predicate) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (true) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

namespace {

std::size_t append(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::size_t header(char* data, std::size_t size, std::size_t n, void* out) {
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

}  // namespace

std::mutex g_ca_mutex;
std::string g_ca_file;

void trust_ca_file(const std::string& ca_file) {
  std::lock_guard lock(g_ca_mutex);
  g_ca_file = ca_file;
}

HttpAnswer http_request(const std::string& method, const std::string& url, const std::string* body,
                        const std::string& token, const std::string& given_ca_file) {
  std::string ca_file = given_ca_file;
  if (ca_file.empty()) {
    std::lock_guard lock(g_ca_mutex);
    ca_file = g_ca_file;
  }
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpAnswer answer;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer.headers);
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  if (method != "GET" && method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return answer;
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

HttpAnswer http_get(const std::string& url, const std::string& token) { return http_request("GET", url, nullptr, token); }

HttpAnswer http_post(const std::string& url, const std::string& body, const std::string& token) {
  return http_request("POST", url, &body, token);
}

HttpAnswer http_delete(const std::string& url, const std::string& token) {
  return http_request("DELETE", url, nullptr, token);
}

double metric(const std::string& page, const std::string& name) {
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ' ') {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return -1;
}

}  // namespace strata::test
