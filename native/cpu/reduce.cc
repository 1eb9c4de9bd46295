// ReduceMean, ReduceSum, ReduceMax, ReduceMin over `axes` (sorted, non-negative, non-empty) with keepdims.
//
// X is walked once in memory order; the walk's one operand is the output offset (stride 0 on the
// reduced axes), so any set of axes works and rows run either along a reduced axis (one output
// element) or along a kept axis (a row of outputs). Float sums accumulate in double.
// Empty reductions give 0 (Sum), NaN (Mean), -inf / the lowest value (Max), +inf / the highest (Min).
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace {

enum class Kind { Mean, Sum, Max, Min };

}  // namespace

namespace cpu {

std::string supports_reduce(const NodeSig& s) {
  const bool mean = s.op == "ReduceMean";
  std::string r = cpu::first_reason(
      cpu::require_arity(s, 1, 1, 1, 1, 1),
      mean ? require_types(s, {DType::F32}) : require_types(s, {DType::F32, DType::I32, DType::I64}),
      cpu::require_same_types(s, 0, {}, {0}));
  if (!r.empty()) return r;
  const std::vector<int64_t> axes = s.attrs.ints("axes");
  const int rank = s.in_ranks[0];
  if (axes.empty()) return s.op + ": the axes attribute must be non-empty";
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= rank)
      return s.op + ": axis " + std::to_string(axes[i]) + " is out of range for rank " + std::to_string(rank);
    if (i && axes[i] <= axes[i - 1]) return s.op + ": axes must be sorted and distinct";
  }
  const bool keep = s.attrs.i("keepdims", 1) != 0;
  const int out_rank = keep ? rank : rank - static_cast<int>(axes.size());
  if (s.out_ranks[0] != out_rank)
    return s.op + ": output rank " + std::to_string(s.out_ranks[0]) + " does not match keepdims (expected " +
           std::to_string(out_rank) + ")";
  return "";
}

}  // namespace cpu

namespace {

template <class T, Kind K>
void reduce(const KernelCall& c, const char* name, const Tensor& X, Tensor& Y, const cpu::WalkDims& axes) {
  // Output dims with the reduced axes kept as 1: the layout Y has in memory either way.
  cpu::WalkDims keep = X.dims;
  int64_t count = 1;
  for (int64_t a : axes) {
    count *= X.dims[a];
    keep[a] = 1;
  }
  const int64_t ny = Y.numel();
  if (ny == 0) return;

  cpu::Walk<1> w;
  w.shape = X.dims;
  w.strides[0].resize(keep.size());
  for (int64_t d = static_cast<int64_t>(keep.size()) - 1, st = 1; d >= 0; --d) {
    w.strides[0][d] = st;
    st *= keep[d];
  }
  for (int64_t a : axes) w.strides[0][a] = 0;
  cpu::simplify(w);
  const int64_t sy = w.strides[0].back();
  const T* x = X.ptr<const T>();
  T* y = Y.ptr<T>();

  if constexpr (K == Kind::Max || K == Kind::Min) {
    constexpr bool is_max = K == Kind::Max;
    T init;
    if constexpr (std::is_floating_point_v<T>)
      init = is_max ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    else
      init = is_max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    for (int64_t i = 0; i < ny; ++i) y[i] = init;
    // NaN wins (as numpy): once the accumulator is NaN no comparison replaces it.
    auto pick = [](T acc, T v) {
      if constexpr (std::is_floating_point_v<T>) {
        if (v != v) return v;
      }
      if constexpr (is_max) return v > acc ? v : acc;
      else return v < acc ? v : acc;
    };
    cpu::walk_rows(w, [&](int64_t xo, const std::array<int64_t, 1>& off, int64_t n) {
      const T* px = x + xo;
      T* py = y + off[0];
      if (sy == 0) {
        T m = *py;
        for (int64_t i = 0; i < n; ++i) m = pick(m, px[i]);
        *py = m;
      } else if (sy == 1) {
        for (int64_t i = 0; i < n; ++i) py[i] = pick(py[i], px[i]);
      } else {
        for (int64_t i = 0; i < n; ++i) py[i * sy] = pick(py[i * sy], px[i]);
      }
    });
  } else {
    // Sum / Mean: double accumulators for floats, wrapping 64-bit for integers.
    using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;
    Acc* acc = static_cast<Acc*>(c.ctx.scratch(static_cast<size_t>(ny) * sizeof(Acc)));
    for (int64_t i = 0; i < ny; ++i) acc[i] = 0;
    cpu::walk_rows(w, [&](int64_t xo, const std::array<int64_t, 1>& off, int64_t n) {
      const T* px = x + xo;
      Acc* pa = acc + off[0];
      if (sy == 0) {
        Acc s = 0;
        for (int64_t i = 0; i < n; ++i) s += static_cast<Acc>(px[i]);
        *pa += s;
      } else if (sy == 1) {
        for (int64_t i = 0; i < n; ++i) pa[i] += static_cast<Acc>(px[i]);
      } else {
        for (int64_t i = 0; i < n; ++i) pa[i * sy] += static_cast<Acc>(px[i]);
      }
    });
    if constexpr (K == Kind::Mean) {
      if (count == 0) {
        for (int64_t i = 0; i < ny; ++i) y[i] = std::numeric_limits<T>::quiet_NaN();
      } else {
        const double n = static_cast<double>(count);
        for (int64_t i = 0; i < ny; ++i) y[i] = static_cast<T>(static_cast<double>(acc[i]) / n);
      }
    } else {
      for (int64_t i = 0; i < ny; ++i) y[i] = static_cast<T>(acc[i]);
    }
  }
}

template <Kind K>
void run_reduce(const KernelCall& c, const char* name) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  const IntsView axes_view = c.attrs.ints_view("axes");
  cpu::WalkDims axes(axes_view.size(), 0);
  for (size_t i = 0; i < axes.size(); ++i) axes[i] = axes_view[i];
  const bool keepdims = c.attrs.i("keepdims", 1) != 0;
  cpu::WalkDims expect;
  size_t j = 0;
  for (size_t d = 0; d < X.dims.size(); ++d) {
    const bool reduced = j < axes.size() && axes[j] == static_cast<int64_t>(d);
    if (reduced) ++j;
    if (!reduced) expect.push_back(X.dims[d]);
    else if (keepdims) expect.push_back(1);
  }
  bool same = expect.size() == Y.dims.size();
  for (size_t d = 0; same && d < expect.size(); ++d) same = expect[d] == Y.dims[d];
  if (j != axes.size() || !same)
    cpu::fail_plan(std::string(name) + ": output dims " + cpu::dims_str(Y.dims) + " do not match input dims " +
                   cpu::dims_str(X.dims) + " reduced over the axes");
  if (X.dtype != Y.dtype) cpu::fail_plan(std::string(name) + ": input and output types differ");
  switch (X.dtype) {
    case DType::F32: reduce<float, K>(c, name, X, Y, axes); return;
    case DType::I32:
      if constexpr (K != Kind::Mean) { reduce<int32_t, K>(c, name, X, Y, axes); return; }
      break;
    case DType::I64:
      if constexpr (K != Kind::Mean) { reduce<int64_t, K>(c, name, X, Y, axes); return; }
      break;
    default: break;
  }
  cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(X.dtype));
}

void run_mean(const KernelCall& c) { run_reduce<Kind::Mean>(c, "ReduceMean"); }
void run_sum(const KernelCall& c) { run_reduce<Kind::Sum>(c, "ReduceSum"); }
void run_max(const KernelCall& c) { run_reduce<Kind::Max>(c, "ReduceMax"); }
void run_min(const KernelCall& c) { run_reduce<Kind::Min>(c, "ReduceMin"); }

}  // namespace

SRT_KERNEL("ReduceMean", CPU, cpu::supports_reduce, run_mean);
SRT_KERNEL("ReduceSum", CPU, cpu::supports_reduce, run_sum);
SRT_KERNEL("ReduceMax", CPU, cpu::supports_reduce, run_max);
SRT_KERNEL("ReduceMin", CPU, cpu::supports_reduce, run_min);

}  // namespace srt
