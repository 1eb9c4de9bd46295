// Where: Z = C ? X : Y with three-way numpy broadcasting; X, Y, Z of any element type (moved by size).
#include <cstdint>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"

namespace srt {
namespace {

std::string supports_where(const NodeSig& s) {
  std::string r = cpu::require_arity(s, 3, 3, 1, 1, 3);
  if (!r.empty()) return r;
  if (s.in_types[0] != DType::Bool)
    return s.op + ": input 0 has unsupported type " + dtype_name(s.in_types[0]) + ", expected bool";
  return cpu::require_same_types(s, 1, {2}, {0});
}

// Outputs with at least this many elements split the walk over the engine's threads.
constexpr int64_t kParallelMin = int64_t(1) << 14;

void run_where(const KernelCall& c) {
  const Tensor& C = cpu::input(c, 0, "Where");
  const Tensor& X = cpu::input(c, 1, "Where");
  const Tensor& Y = cpu::input(c, 2, "Where");
  Tensor& Z = cpu::output(c, 0, "Where");
  if (C.dtype != DType::Bool || X.dtype != Z.dtype || Y.dtype != Z.dtype) cpu::fail_plan("Where: unsupported types");
  if (Z.numel() == 0) return;
  const cpu::Walk<3> w = cpu::broadcast_walk<3>("Where", Z.dims, {&C.dims, &X.dims, &Y.dims});
  const int64_t sc = w.strides[0].back(), sx = w.strides[1].back(), sy = w.strides[2].back();
  const uint8_t* cond = C.ptr<const uint8_t>();
  cpu::dispatch_size(dtype_size(Z.dtype), [&](auto tag) {
    using T = decltype(tag);
    const T* x = X.ptr<const T>();
    const T* y = Y.ptr<const T>();
    T* z = Z.ptr<T>();
    auto row = [&](int64_t zo, const std::array<int64_t, 3>& off, int64_t n) {
      const uint8_t* pc = cond + off[0];
      const T* px = x + off[1];
      const T* py = y + off[2];
      T* pz = z + zo;
      if (sc == 1 && sx == 1 && sy == 1) {
        for (int64_t i = 0; i < n; ++i) {
          const T a = px[i], b = py[i];  // both loaded: the select vectorises
          pz[i] = pc[i] ? a : b;
        }
      } else if (sc == 0) {
        // One condition for the whole row: a copy or a fill.
        const T* src = *pc ? px : py;
        const int64_t s = *pc ? sx : sy;
        if (s == 1) {
          for (int64_t i = 0; i < n; ++i) pz[i] = src[i];
        } else {
          for (int64_t i = 0; i < n; ++i) pz[i] = src[i * s];
        }
      } else if (sc == 1 && sx == 0 && sy == 1) {  // masked fill (attention masks): X a scalar
        const T v = *px;
        for (int64_t i = 0; i < n; ++i) {
          const T b = py[i];
          pz[i] = pc[i] ? v : b;
        }
      } else if (sc == 1 && sx == 1 && sy == 0) {
        const T v = *py;
        for (int64_t i = 0; i < n; ++i) {
          const T a = px[i];
          pz[i] = pc[i] ? a : v;
        }
      } else {
        for (int64_t i = 0; i < n; ++i) pz[i] = pc[i * sc] ? px[i * sx] : py[i * sy];
      }
    };
    const int64_t total = Z.numel();
    if (total < kParallelMin || c.ctx.threads() < 2 || w.shape.size() < 2) {
      cpu::walk_rows(w, row);
      return;
    }
    // Large outputs split the walk's outermost axis over the threads.
    cpu::walk_rows_parallel(w, c.ctx, total * 4, row);
  });
}

}  // namespace

SRT_KERNEL("Where", CPU, supports_where, run_where);

}  // namespace srt
