// Helpers shared by the data-movement kernels of this folder (concat, split, transpose, slice,
// gather, expand, pad): they only move bytes, so they dispatch on the size of what they move
// rather than on the element type, and move the widest unit (up to 16 bytes) that the sizes and
// addresses allow.
//
//   - Bytes16 / dispatch_unit / widest_unit: moving 1, 2, 4, 8 or 16 bytes at a time.
//   - Index math: a launch whose linear indices fit 31 bits does its index arithmetic (above all
//     the divisions that turn a linear index into coordinates) in uint32_t, which is several times
//     cheaper on a GPU than int64_t; larger launches use int64_t. dispatch_index picks.
//   - strided_copy.h (apart, so that only its users compile its kernels): the strided copy of
//     Slice, Expand and the general Transpose.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>

#include "cuda/cuda_util.h"

namespace srt {
namespace cuda {

// 16 bytes moved as one vector load/store (both addresses 16-byte aligned).
struct alignas(16) Bytes16 {
  uint64_t lo, hi;
};

// Calls f(T{}) with a trivially copyable type of `bytes` bytes (1, 2, 4, 8 or 16).
template <class F>
void dispatch_unit(size_t bytes, F&& f) {
  switch (bytes) {
    case 1: f(uint8_t{}); return;
    case 2: f(uint16_t{}); return;
    case 4: f(uint32_t{}); return;
    case 8: f(uint64_t{}); return;
    case 16: f(Bytes16{}); return;
    default: throw Error(kErrInternal, "unexpected unit size " + std::to_string(bytes));
  }
}

// The widest unit (16, 8, 4, 2 or 1 bytes, at most `limit`) dividing every value: byte counts,
// byte offsets and addresses of what a kernel moves.
inline size_t widest_unit(std::initializer_list<uint64_t> values, size_t limit = 16) {
  size_t w = limit;
  for (uint64_t v : values)
    while (w > 1 && v % w != 0) w /= 2;
  return w;
}
inline uint64_t address_of(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

// Calls f(I{}) with uint32_t when every linear index of a launch over n items (and the grid-stride
// steps past the end) fits 32 bits, else with int64_t.
template <class F>
void dispatch_index(int64_t n, F&& f) {
  if (n <= INT32_MAX) f(uint32_t{});
  else f(int64_t{});
}

}  // namespace cuda
}  // namespace srt
