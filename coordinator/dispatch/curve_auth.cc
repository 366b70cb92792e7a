#include "coordinator/dispatch/curve_auth.h"

#include <sys/stat.h>
#include <zmq.h>

#include <filesystem>
#include <fstream>
#include <vector>
#include <zmq.hpp>

#include "common/log.h"
#include "common/wire/curve_key.h"

namespace strata::coordinator {
namespace {

namespace fs = std::filesystem;

}  // namespace

Result<std::set<std::string>> read_authorized_keys(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail(ErrorCode::kNotFound, dir + ": not a directory of worker keys");
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".pub") continue;
    auto key = read_curve_key(entry.path().string());
    if (!key) return std::unexpected(key.error());
    out.insert(*key);
  }
  if (out.empty()) return fail(ErrorCode::kInvalidInput, dir + ": holds no worker public key (*.pub)");
  return out;
}

Result<std::string> write_key_pair(const std::string& dir, const std::string& name) {
  char public_key[kZ85KeyLength + 1];
  char secret_key[kZ85KeyLength + 1];
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    return fail(ErrorCode::kUnsupported, "this libzmq has no CURVE support");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string secret_path = dir + "/" + name + ".key";
  {
    std::ofstream out(secret_path, std::ios::trunc);
    if (!out) return fail(ErrorCode::kUnavailable, secret_path + ": cannot write");
    out << secret_key << "\n";
  }
  ::chmod(secret_path.c_str(), 0600);
  std::ofstream(dir + "/" + name + ".pub", std::ios::trunc) << public_key << "\n";
  return std::string(public_key);
}

CurveAuthenticator::CurveAuthenticator(zmq::context_t& context, std::set<std::string> allowed_public_keys)
    : context_(context), allowed_(std::move(allowed_public_keys)), thread_([this] { loop(); }) {
  // The ZAP endpoint must be bound before any CURVE handshake; wait for the thread to bind it.
  while (!bound_.load()) std::this_thread::yield();
}

CurveAuthenticator::~CurveAuthenticator() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void CurveAuthenticator::loop() {
  zmq::socket_t handler(context_, zmq::socket_type::rep);
  handler.set(zmq::sockopt::linger, 0);
  handler.bind("inproc://zeromq.zap.01");
  bound_.store(true);
  while (!stop_.load()) {
    zmq_pollitem_t item{handler.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::milliseconds(200));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      log_error("dispatch", std::string("ZAP handler: ") + e.what());
      return;
    }
    if ((item.revents & ZMQ_POLLIN) == 0) continue;
    // RFC 27: version, request id, domain, address, identity, mechanism, then credentials.
    std::vector<zmq::message_t> frames;
    do {
      zmq::message_t frame;
      if (!handler.recv(frame, zmq::recv_flags::none)) break;
      const bool more = frame.more();
      frames.push_back(std::move(frame));
      if (!more) break;
    } while (true);
    std::string status = "400";
    std::string text = "malformed request";
    if (frames.size() >= 7 && frames[5].to_string() == "CURVE" && frames[6].size() == 32) {
      char z85[kZ85KeyLength + 1];
      zmq_z85_encode(z85, static_cast<const std::uint8_t*>(frames[6].data()), 32);
      if (allowed_.contains(z85)) {
        status = "200";
        text = "OK";
      } else {
        text = "unknown worker key";
        ++refused_;
        log_warn("dispatch", "refused a worker connection from " + frames[3].to_string() + ": its key is not authorized");
      }
    }
    const std::string version = "1.0";
    const std::string request_id = frames.size() > 1 ? frames[1].to_string() : std::string();
    handler.send(zmq::buffer(version), zmq::send_flags::sndmore);
    handler.send(zmq::buffer(request_id), zmq::send_flags::sndmore);
    handler.send(zmq::buffer(status), zmq::send_flags::sndmore);
    handler.send(zmq::buffer(text), zmq::send_flags::sndmore);
    handler.send(zmq::buffer(std::string(status == "200" ? "worker" : "")), zmq::send_flags::sndmore);
    handler.send(zmq::message_t(), zmq::send_flags::none);
  }
}

}  // namespace strata::coordinator
