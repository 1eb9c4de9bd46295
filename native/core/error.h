// The one exception type native code throws. The binding turns it into the library's own
// JavaScript error class (SurrogateError) with `code` set, so callers can branch on it.
#pragma once
#include <stdexcept>
#include <string>

namespace srt {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Codes shared with src/errors.ts.
inline constexpr const char* kErrInvalidPlan = "ERR_INVALID_PLAN";        // plan fails validation
inline constexpr const char* kErrUnsupported = "ERR_UNSUPPORTED";         // no kernel for this node
inline constexpr const char* kErrInvalidInput = "ERR_INVALID_INPUT";      // bad feed, out-of-range index
inline constexpr const char* kErrMemoryLimit = "ERR_MEMORY_LIMIT";        // over the configured limit
inline constexpr const char* kErrOutOfMemory = "ERR_OUT_OF_MEMORY";       // allocation failed
inline constexpr const char* kErrDevice = "ERR_DEVICE";                   // device unavailable/failed
inline constexpr const char* kErrInternal = "ERR_INTERNAL";

}  // namespace srt
