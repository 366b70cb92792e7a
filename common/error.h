// The one error type of strata. An Error carries a code that callers branch on and a
// message that starts with the input it is about ("layer sha256:3f…: var/lib/dpkg/status:212:
// missing Version"), so that it can be printed as it is. Expected outcomes are values, not
// errors: "no package database here" is an empty result.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace strata {

enum class ErrorCode {
  kInvalidInput,    // the caller asked for something malformed (bad reference, bad flag)
  kCorrupt,         // bytes from an image, layer or database are damaged
  kDigestMismatch,  // bytes do not hash to the digest that names them
  kLimitExceeded,   // a configured bound (size, count, ratio, path length) was hit
  kNotFound,        // a named file, blob, tag or platform does not exist
  kUnsupported,     // a valid input that strata does not read (media type, schema version)
  kUnavailable,     // a service or file could not be reached
  kDenied,          // a service refused access: no credentials, wrong ones, or not allowed
  kInternal,        // our own bug
};

std::string_view to_string(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns this error with `context` (an input's name) put in front of the message.
  Error with_context(std::string_view context) const {
    return Error(code_, std::string(context) + ": " + message_);
  }

 private:
  ErrorCode code_;
  std::string message_;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error(code, std::move(message)));
}

}  // namespace strata
