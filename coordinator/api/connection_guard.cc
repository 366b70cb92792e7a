#include "coordinator/api/connection_guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstring>

#include "common/log.h"

namespace strata::coordinator {
namespace {

// "socket:[12345]" → 12345; 0 for anything else.
unsigned long socket_inode(int fd) {
  char link[64];
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
  if (n <= 0) return 0;
  const std::string_view text(link, static_cast<std::size_t>(n));
  if (!text.starts_with("socket:[") || !text.ends_with("]")) return 0;
  unsigned long inode = 0;
  std::from_chars(text.data() + 8, text.data() + text.size() - 1, inode);
  return inode;
}

// The socket's port and address on one side (getsockname or getpeername).
bool endpoint(int fd, bool peer, std::string* address, int* port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  const int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                      : ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return false;
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    *port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof text);
    *port = ntohs(in->sin6_port);
  } else {
    return false;
  }
  if (address != nullptr) *address = text;
  return true;
}

}  // namespace

// httplib's task queue for one listener: a fixed pool of threads and a deque of connections.
class ConnectionGuard::Queue : public httplib::TaskQueue {
 public:
  Queue(ConnectionGuard& guard, int port, unsigned threads) : guard_(guard), port_(port) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
  }

  void enqueue(std::function<void()> fn) override {
    std::size_t queued;
    {
      std::lock_guard lock(mutex_);
      queued = tasks_.size();
    }
    const unsigned long inode = guard_.admit(port_, queued);
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back([this, inode, fn = std::move(fn)] {
        fn();  // serves the connection and closes its socket
        if (inode != 0) guard_.closed(inode);
      });
    }
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void run() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;  // stopping, and every accepted connection was served
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  ConnectionGuard& guard_;
  int port_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

ConnectionGuard::ConnectionGuard(ConnectionLimits limits, MetricsRegistry& metrics)
    : limits_(limits),
      cut_(metrics.counter("strata_api_connections_cut_total",
                           "API connections closed for sending a request too slowly (slowloris)")),
      refused_(metrics.counter("strata_api_connections_refused_total",
                               "API connections refused: the queue was full or their address held too many")) {
  watchdog_ = std::thread([this] { watch(); });
}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  watchdog_.join();
  for (auto& [inode, c] : connections_) ::close(c.fd);
}

void ConnectionGuard::guard(httplib::Server& server, int port) {
  const unsigned threads = std::max(1u, limits_.threads);
  server.new_task_queue = [this, port, threads] { return new Queue(*this, port, threads); };
}

unsigned long ConnectionGuard::admit(int listen_port, std::size_t queued) {
  // The new connection: a connected socket on this port that the guard does not know yet.
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::lock_guard lock(mutex_);
  Connection found;
  while (const dirent* entry = ::readdir(dir)) {
    int fd = -1;
    const std::string_view name(entry->d_name);
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc() || fd < 0) continue;
    const unsigned long inode = socket_inode(fd);
    if (inode == 0 || connections_.contains(inode)) continue;
    int local_port = 0;
    if (!endpoint(fd, false, nullptr, &local_port) || local_port != listen_port) continue;
    if (!endpoint(fd, true, &found.address, &found.port)) continue;  // the listening socket has no peer
    // Our own descriptor of the socket: shutting it down ends the connection however httplib's
    // descriptor is used, and its number cannot be reused by anything else while we hold it.
    found.fd = ::dup(fd);
    found.inode = inode;
    break;
  }
  ::closedir(dir);
  if (found.fd < 0) return 0;
  found.since = std::chrono::steady_clock::now();
  std::size_t same_address = 0;
  for (const auto& [inode, c] : connections_) same_address += !c.cut && c.address == found.address;
  const bool too_many = limits_.max_per_address > 0 && same_address >= limits_.max_per_address;
  if (queued >= limits_.max_queued || too_many) {
    ::shutdown(found.fd, SHUT_RDWR);
    found.cut = true;
    refused_.inc();
    log_warn("api", "refused a connection from " + found.address +
                        (too_many ? ": it holds " + std::to_string(same_address) + " connections already"
                                  : ": " + std::to_string(queued) + " connections wait for a thread"));
  }
  const unsigned long inode = found.inode;
  connections_.emplace(inode, std::move(found));
  return inode;
}

void ConnectionGuard::closed(unsigned long inode) {
  std::lock_guard lock(mutex_);
  const auto it = connections_.find(inode);
  if (it == connections_.end()) return;
  ::close(it->second.fd);
  connections_.erase(it);
}

void ConnectionGuard::set_phase(const std::string& address, int port, Phase phase) {
  std::lock_guard lock(mutex_);
  for (auto& [inode, c] : connections_) {
    if (c.port == port && c.address == address) {
      c.phase = phase;
      c.since = std::chrono::steady_clock::now();
      return;
    }
  }
}

void ConnectionGuard::head_received(const std::string& address, int port) { set_phase(address, port, Phase::kBody); }
void ConnectionGuard::handling(const std::string& address, int port) { set_phase(address, port, Phase::kHandling); }
void ConnectionGuard::answered(const std::string& address, int port) { set_phase(address, port, Phase::kHead); }

void ConnectionGuard::watch() {
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_; })) {
    const auto now = std::chrono::steady_clock::now();
    for (auto& [inode, c] : connections_) {
      if (c.cut || c.phase == Phase::kHandling) continue;
      const auto deadline = c.phase == Phase::kHead ? limits_.header_deadline : limits_.body_deadline;
      if (now - c.since < deadline) continue;
      ::shutdown(c.fd, SHUT_RDWR);
      c.cut = true;
      cut_.inc();
      log_warn("api", "closed a connection from " + c.address + ": its request " +
                          (c.phase == Phase::kHead ? "head" : "body") + " did not arrive within " +
                          std::to_string(deadline.count()) + " ms");
    }
  }
}

}  // namespace strata::coordinator
