// Softmax and LogSoftmax over one axis (float32), max-subtracted:
//   Softmax:    y = exp(x - max) / sum(exp(x - max))
//   LogSoftmax: y = (x - max) - log(sum(exp(x - max)))
// The tensor is seen as [outer, n, inner] around the axis; for inner > 1 the max and the sums of
// `inner` columns are kept side by side in scratch so that memory is read in order. exp, the max and
// the sums are vectorised (cpu/vec_math.h); sums are kept in double.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "cpu/kernel_util.h"
#include "cpu/supports.h"
#include "cpu/vec_math.h"

namespace srt {
namespace cpu {

std::string supports_softmax(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, {DType::F32}));
  if (!r.empty()) return r;
  return cpu::first_reason(cpu::require_axis(s, s.attrs.i("axis", -1), s.in_ranks[0]), cpu::require_same_rank(s));
}

}  // namespace cpu

namespace {

// Tensors above this many elements split their rows over the engine's threads (a row costs
// several nanoseconds per element plus tens for its short ones: attention's rows of 8).
constexpr int64_t kParallelMin = int64_t(1) << 12;
// Rows up to kShortRow long take the blocked path (blocks of kShortBlock floats).
constexpr int64_t kShortRow = 32;
constexpr int64_t kShortBlock = 512;

template <bool Log>
void softmax(const KernelCall& c, const char* name) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != DType::F32 || Y.dtype != DType::F32) cpu::fail_plan(std::string(name) + ": unsupported types");
  if (X.dims != Y.dims) cpu::fail_plan(std::string(name) + ": input and output dims differ");
  const int64_t axis = c.attrs.i("axis", -1);
  if (axis < 0 || axis >= X.rank()) cpu::fail_plan(std::string(name) + ": axis out of range");
  if (X.numel() == 0) return;
  const int64_t outer = cpu::dims_product(X.dims, 0, axis), inner = cpu::dims_product(X.dims, axis + 1, X.rank());
  const int64_t n = X.dims[axis];
  const float* x = X.ptr<const float>();
  float* y = Y.ptr<float>();

  if (inner == 1 && n <= kShortRow) {
    // Short rows (attention's): a block of rows at a time, x - max in a stack buffer and one exp
    // call over the whole block, so that the per-call overhead of the vector functions is shared.
    auto rows = [&](int64_t o0, int64_t o1) {
      float buf[kShortBlock];
      const int64_t per = kShortBlock / n;
      for (int64_t b0 = o0; b0 < o1; b0 += per) {
        const int64_t b1 = std::min(o1, b0 + per), cnt = (b1 - b0) * n;
        float mx[kShortBlock];
        for (int64_t o = b0; o < b1; ++o) {
          const float* px = x + o * n;
          float m = -std::numeric_limits<float>::infinity();
          for (int64_t k = 0; k < n; ++k) m = px[k] > m ? px[k] : m;
          mx[o - b0] = m;
          float* pb = buf + (o - b0) * n;
          for (int64_t k = 0; k < n; ++k) pb[k] = px[k] - m;
        }
        vm::vexp(buf, buf, cnt);
        for (int64_t o = b0; o < b1; ++o) {
          const float* pb = buf + (o - b0) * n;
          double sum = 0;
          for (int64_t k = 0; k < n; ++k) sum += pb[k];
          float* py = y + o * n;
          if (Log) {
            const float m = mx[o - b0], l = static_cast<float>(std::log(sum));
            const float* px = x + o * n;
            for (int64_t k = 0; k < n; ++k) py[k] = (px[k] - m) - l;
          } else {
            const float r = static_cast<float>(1.0 / sum);
            for (int64_t k = 0; k < n; ++k) py[k] = pb[k] * r;
          }
        }
      }
    };
    if (outer > 1 && X.numel() > kParallelMin && c.ctx.threads() > 1)
      c.ctx.parallel_for(outer, rows, X.numel() * 8);
    else
      rows(0, outer);
    return;
  }

  if (inner == 1) {
    // One row per outer index, independent: large tensors split their rows over the threads.
    auto rows = [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        const float* px = x + o * n;
        float* py = y + o * n;
        const float m = vm::max(px, n);
        if (Log) {
          const double sum = vm::exp_shift_sum(px, m, nullptr, n);
          vm::sub2(px, m, static_cast<float>(std::log(sum)), py, n);
        } else {
          const double sum = vm::exp_shift_sum(px, m, py, n);
          vm::scale(py, static_cast<float>(1.0 / sum), n);
        }
      }
    };
    if (outer > 1 && X.numel() > kParallelMin && c.ctx.threads() > 1)
      c.ctx.parallel_for(outer, rows);
    else
      rows(0, outer);
    return;
  }

  // inner > 1: per outer slab, the columns j in [0, inner) each reduce over k (stride inner).
  double* sum = static_cast<double*>(c.ctx.scratch(static_cast<size_t>(inner) * (sizeof(double) + sizeof(float))));
  float* mx = reinterpret_cast<float*>(sum + inner);
  for (int64_t o = 0; o < outer; ++o) {
    const float* px = x + o * n * inner;
    float* py = y + o * n * inner;
    for (int64_t j = 0; j < inner; ++j) {
      mx[j] = -std::numeric_limits<float>::infinity();
      sum[j] = 0;
    }
    for (int64_t k = 0; k < n; ++k) vm::max_into(mx, px + k * inner, inner);
    for (int64_t k = 0; k < n; ++k) vm::exp_sub_accumulate(px + k * inner, mx, Log ? nullptr : py + k * inner, sum, inner);
    if (Log) {
      for (int64_t j = 0; j < inner; ++j) sum[j] = std::log(sum[j]);
      for (int64_t k = 0; k < n; ++k) {
        const float* row = px + k * inner;
        float* out = py + k * inner;
        for (int64_t j = 0; j < inner; ++j) out[j] = (row[j] - mx[j]) - static_cast<float>(sum[j]);
      }
    } else {
      for (int64_t j = 0; j < inner; ++j) sum[j] = 1.0 / sum[j];
      for (int64_t k = 0; k < n; ++k) {
        float* out = py + k * inner;
        for (int64_t j = 0; j < inner; ++j) out[j] *= static_cast<float>(sum[j]);
      }
    }
  }
}

void run_softmax(const KernelCall& c) { softmax<false>(c, "Softmax"); }
void run_log_softmax(const KernelCall& c) { softmax<true>(c, "LogSoftmax"); }

}  // namespace

SRT_KERNEL("Softmax", CPU, cpu::supports_softmax, run_softmax);
SRT_KERNEL("LogSoftmax", CPU, cpu::supports_softmax, run_log_softmax);

}  // namespace srt
