#include "common/cache/redis_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace strata {
namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "TLS failed";
  char text[256];
  ERR_error_string_n(e, text, sizeof text);
  return text;
}

bool is_ip_address(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// A TCP connection to host:port within `timeout`; the socket, blocking, with send and receive
// timeouts set.
Result<int> tcp_connect(const std::string& host, int port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return fail(ErrorCode::kUnavailable, "cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::string why = "no address";
  int fd = -1;
  for (const addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
      int err = 0;
      socklen_t len = sizeof err;
      if (rc == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
        rc = 0;
      } else {
        errno = rc == 0 ? ETIMEDOUT : (err != 0 ? err : errno);
        rc = -1;
      }
    }
    if (rc != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) return fail(ErrorCode::kUnavailable, "cannot connect: " + why);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

struct RedisTransport::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

RedisTransport::RedisTransport(int fd, std::unique_ptr<Tls> tls) : fd_(fd), tls_(std::move(tls)) {}

RedisTransport::~RedisTransport() {
  if (tls_ && tls_->ssl != nullptr) SSL_shutdown(tls_->ssl);
  tls_.reset();
  ::close(fd_);
}

Result<std::unique_ptr<RedisTransport>> RedisTransport::connect(const std::string& host, int port, bool tls,
                                                                const std::string& ca_file,
                                                                std::chrono::milliseconds timeout) {
  auto fd = tcp_connect(host, port, timeout);
  if (!fd) return std::unexpected(fd.error());
  if (!tls) return std::unique_ptr<RedisTransport>(new RedisTransport(*fd, nullptr));
  auto t = std::make_unique<Tls>();
  ERR_clear_error();
  t->ctx = SSL_CTX_new(TLS_client_method());
  if (t->ctx == nullptr) {
    ::close(*fd);
    return fail(ErrorCode::kUnavailable, openssl_error());
  }
  SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, nullptr);
  const bool trusted = ca_file.empty() ? SSL_CTX_set_default_verify_paths(t->ctx) == 1
                                       : SSL_CTX_load_verify_locations(t->ctx, ca_file.c_str(), nullptr) == 1;
  if (!trusted) {
    ::close(*fd);
    return fail(ErrorCode::kInvalidInput, "cannot load the CA certificates" + (ca_file.empty() ? "" : " of " + ca_file));
  }
  t->ssl = SSL_new(t->ctx);
  SSL_set_fd(t->ssl, *fd);
  // The certificate must name the host the URL names: its DNS name, or its IP address.
  if (is_ip_address(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), host.c_str());
  } else {
    SSL_set_tlsext_host_name(t->ssl, host.c_str());
    SSL_set1_host(t->ssl, host.c_str());
  }
  if (SSL_connect(t->ssl) != 1) {
    const long verified = SSL_get_verify_result(t->ssl);
    const std::string why = verified != X509_V_OK ? std::string("the server's certificate: ") +
                                                        X509_verify_cert_error_string(verified)
                                                  : openssl_error();
    ::close(*fd);
    return fail(ErrorCode::kUnavailable, "TLS handshake failed: " + why);
  }
  return std::unique_ptr<RedisTransport>(new RedisTransport(*fd, std::move(t)));
}

Result<void> RedisTransport::write_all(std::span<const char> bytes) {
  while (!bytes.empty()) {
    ssize_t n;
    if (tls_) {
      n = SSL_write(tls_->ssl, bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 30)));
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    if (n <= 0) {
      if (!tls_ && n < 0 && errno == EINTR) continue;
      return fail(ErrorCode::kUnavailable, std::string("write failed: ") +
                                               (tls_ ? openssl_error() : std::string(std::strerror(errno))));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::size_t> RedisTransport::read_some(std::span<char> into) {
  while (true) {
    ssize_t n;
    if (tls_) {
      n = SSL_read(tls_->ssl, into.data(), static_cast<int>(std::min<std::size_t>(into.size(), 1 << 30)));
    } else {
      n = ::recv(fd_, into.data(), into.size(), 0);
    }
    if (n > 0) return static_cast<std::size_t>(n);
    if (!tls_ && n < 0 && errno == EINTR) continue;
    if (n == 0) return fail(ErrorCode::kUnavailable, "the server closed the connection");
    const bool timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
    return fail(ErrorCode::kUnavailable, timed_out ? std::string("no reply in time")
                                                   : std::string("read failed: ") +
                                                         (tls_ ? openssl_error() : std::string(std::strerror(errno))));
  }
}

}  // namespace strata
