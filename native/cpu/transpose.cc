// Transpose with `perm` (Y.dims[d] = X.dims[perm[d]]), any element type, moved by size.
// Y is walked in order with X's permuted strides; axes that stay adjacent are merged, and rows that
// stay contiguous in X become memcpy.
#include <cstdint>
#include <cstring>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace {

std::string check_perm(const std::vector<int64_t>& perm, int rank) {
  if (static_cast<int>(perm.size()) != rank)
    return "Transpose: perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(rank);
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p]) return "Transpose: perm is not a permutation of the axes";
    seen[p] = true;
  }
  return "";
}

}  // namespace

namespace cpu {

std::string supports_transpose(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_unary_any_type(s), cpu::require_same_rank(s));
  if (!r.empty()) return r;
  return check_perm(s.attrs.ints("perm"), s.in_ranks[0]);
}

}  // namespace cpu

namespace {

// Tensors with at least this many elements split the copy over the engine's threads.
constexpr int64_t kParallelMin = int64_t(1) << 14;

void run_transpose(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Transpose");
  Tensor& Y = cpu::output(c, 0, "Transpose");
  const IntsView perm = c.attrs.ints_view("perm");
  const int rank = X.rank();
  // The perm check of check_perm, without allocating (the plan was checked by supports already).
  bool ok = static_cast<int>(perm.size()) == rank && rank <= 64;
  uint64_t seen = 0;
  for (int d = 0; ok && d < rank; ++d) {
    const int64_t p = perm[static_cast<size_t>(d)];
    if (p < 0 || p >= rank || (seen >> p & 1)) ok = false;
    else seen |= uint64_t(1) << p;
  }
  if (!ok) {
    std::vector<int64_t> pv(perm.size());
    for (size_t i = 0; i < pv.size(); ++i) pv[i] = perm[i];
    const std::string why = check_perm(pv, rank);
    cpu::fail_plan(why.empty() ? "Transpose: perm is not supported" : why);
  }
  if (X.dtype != Y.dtype || Y.rank() != X.rank()) cpu::fail_plan("Transpose: input and output do not match");
  for (int d = 0; d < Y.rank(); ++d)
    if (Y.dims[d] != X.dims[perm[d]])
      cpu::fail_plan("Transpose: output dims " + cpu::dims_str(Y.dims) + " are not the input dims " +
                     cpu::dims_str(X.dims) + " permuted");
  const int64_t total = Y.numel();
  if (total == 0) return;
  // X's element strides, inline.
  cpu::WalkDims xs(static_cast<size_t>(rank), 1);
  for (int d = rank - 2; d >= 0; --d) xs[d] = xs[d + 1] * X.dims[d + 1];
  cpu::Walk<1> w;
  w.shape = Y.dims;
  w.strides[0].resize(Y.dims.size());
  for (int d = 0; d < rank; ++d) w.strides[0][d] = xs[perm[d]];
  cpu::simplify(w);
  if (total < kParallelMin || c.ctx.threads() < 2 || w.shape.size() < 2) {
    cpu::copy_walk(w, X, Y);
    return;
  }
  // Split Y's outermost (simplified) axis over the threads: slab i of it is the walk over the
  // remaining axes from X's offset i * stride, written at Y's i * (its size).
  const int64_t outer = w.shape[0], ostride = w.strides[0][0], slab = total / outer;
  const int64_t s = w.strides[0].back();
  cpu::dispatch_size(dtype_size(X.dtype), [&](auto tag) {
    using T = decltype(tag);
    const T* x = X.ptr<const T>();
    T* y = Y.ptr<T>();
    c.ctx.parallel_for(
        outer,
        [&](int64_t i0, int64_t i1) {
          cpu::Walk<1> sub = w;
          sub.shape[0] = i1 - i0;
          sub.base[0] = i0 * ostride;
          T* yb = y + i0 * slab;
          cpu::walk_rows(sub, [&](int64_t yo, const std::array<int64_t, 1>& off, int64_t n) {
            const T* px = x + off[0];
            T* py = yb + yo;
            if (s == 1) {
              std::memcpy(py, px, static_cast<size_t>(n) * sizeof(T));
            } else {
              for (int64_t j = 0; j < n; ++j) py[j] = px[j * s];
            }
          });
        },
        total);
  });
}

}  // namespace

SRT_KERNEL("Transpose", CPU, cpu::supports_transpose, run_transpose);

}  // namespace srt
