#include "common/error.h"

namespace strata {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return "invalid input";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kDigestMismatch: return "digest mismatch";
    case ErrorCode::kLimitExceeded: return "limit exceeded";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kDenied: return "denied";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown error";
}

}  // namespace strata
