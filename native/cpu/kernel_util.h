// Small helpers shared by the CPU kernels of this folder: predicate checks beyond kernel.h,
// run-time plan checks, block copies around an axis (Concat, Split), element-type dispatch,
// saturating conversions and integer arithmetic that wraps instead of UB.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/kernel.h"
#include "core/tensor.h"

namespace srt {
namespace cpu {

// ---- predicates ------------------------------------------------------------------------------

// "" when the node has between min_in and max_in inputs and between min_out and max_out outputs,
// and the first `required_in` inputs are present.
inline std::string require_arity(const NodeSig& s, size_t min_in, size_t max_in, size_t min_out, size_t max_out,
                                 size_t required_in) {
  if (s.in_types.size() < min_in || s.in_types.size() > max_in)
    return s.op + ": expected " + std::to_string(min_in) + (min_in == max_in ? "" : ".." + std::to_string(max_in)) +
           " inputs, got " + std::to_string(s.in_types.size());
  if (s.out_types.size() < min_out || s.out_types.size() > max_out)
    return s.op + ": expected " + std::to_string(min_out) + (min_out == max_out ? "" : ".." + std::to_string(max_out)) +
           " outputs, got " + std::to_string(s.out_types.size());
  for (size_t i = 0; i < required_in && i < s.in_types.size(); ++i)
    if (s.in_types[i] == DType::Undefined) return s.op + ": input " + std::to_string(i) + " is required";
  return "";
}

// "" when every listed input and output has the type of `ref` (input index `ref_in`).
inline std::string require_same_types(const NodeSig& s, size_t ref_in, std::initializer_list<size_t> ins,
                                      std::initializer_list<size_t> outs) {
  if (ref_in >= s.in_types.size() || s.in_types[ref_in] == DType::Undefined)
    return s.op + ": missing input " + std::to_string(ref_in);
  const DType t = s.in_types[ref_in];
  for (size_t i : ins)
    if (i < s.in_types.size() && s.in_types[i] != DType::Undefined && s.in_types[i] != t)
      return s.op + ": input " + std::to_string(i) + " has type " + dtype_name(s.in_types[i]) + ", expected " +
             dtype_name(t) + " like input " + std::to_string(ref_in);
  for (size_t o : outs)
    if (o < s.out_types.size() && s.out_types[o] != t)
      return s.op + ": output " + std::to_string(o) + " has type " + dtype_name(s.out_types[o]) + ", expected " +
             dtype_name(t) + " like input " + std::to_string(ref_in);
  return "";
}

inline std::string require_out_type(const NodeSig& s, size_t out, DType t) {
  if (out < s.out_types.size() && s.out_types[out] != t)
    return s.op + ": output " + std::to_string(out) + " has type " + dtype_name(s.out_types[out]) + ", expected " +
           dtype_name(t);
  return "";
}

// "" when output 0 has the rank of input 0 (or either is missing: require_arity reports that).
inline std::string require_same_rank(const NodeSig& s) {
  if (!s.in_ranks.empty() && !s.out_ranks.empty() && s.out_ranks[0] != s.in_ranks[0])
    return s.op + ": output rank differs from the input rank";
  return "";
}

// "" when 0 <= axis < rank.
inline std::string require_axis(const NodeSig& s, int64_t axis, int rank) {
  if (axis < 0 || axis >= rank)
    return s.op + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank);
  return "";
}

// Chains predicate results: the first non-empty reason wins. Every argument is evaluated, so each
// check must be safe on a node of the wrong arity (the helpers in this file and kernel.h are).
template <class... R>
std::string first_reason(R&&... reasons) {
  std::string out;
  ((out.empty() ? (void)(out = std::forward<R>(reasons)) : (void)0), ...);
  return out;
}

// Every native element type, for require_types: require_types(sig, SRT_ANY_TYPES).
#define SRT_ANY_TYPES \
  { ::srt::DType::F32, ::srt::DType::F64, ::srt::DType::I8, ::srt::DType::U8, ::srt::DType::I32, ::srt::DType::I64, ::srt::DType::Bool }

// "" when the node has one input and one output of the same element type, any native one: the
// common start of the data-movement kernels' predicates.
inline std::string require_unary_any_type(const NodeSig& s) {
  return first_reason(require_arity(s, 1, 1, 1, 1, 1), require_types(s, SRT_ANY_TYPES), require_same_types(s, 0, {}, {0}));
}

// "" when the node has 2 or 3 inputs (the third may be absent) and one output, all float32, and
// input 0 has a rank in [min_rank, max_rank]: the common start of Gemm's and Conv's predicates.
inline std::string require_f32_2or3_inputs(const NodeSig& s, int min_rank, int max_rank) {
  if (s.in_types.size() < 2 || s.in_types.size() > 3)
    return s.op + ": expects 2 or 3 inputs, got " + std::to_string(s.in_types.size());
  if (s.out_types.size() != 1) return s.op + ": expects 1 output, got " + std::to_string(s.out_types.size());
  std::string why = require_types(s, {DType::F32});
  if (why.empty()) why = require_rank(s, 0, min_rank, max_rank);
  return why;
}

// ---- run-time checks -------------------------------------------------------------------------

inline std::string dims_str(const Dims& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

[[noreturn]] inline void fail_plan(const std::string& msg) { throw Error(kErrInvalidPlan, msg); }

// Every kernel input it reads must be present; the predicate ensures it, this is the backstop.
inline const Tensor& input(const KernelCall& c, size_t i, const char* op) {
  if (i >= c.in.size() || !c.in[i]) fail_plan(std::string(op) + ": missing input " + std::to_string(i));
  return *c.in[i];
}
inline Tensor& output(const KernelCall& c, size_t i, const char* op) {
  if (i >= c.out.size() || !c.out[i]) fail_plan(std::string(op) + ": missing output " + std::to_string(i));
  return *c.out[i];
}

inline void require_same_numel(const Tensor& x, const Tensor& y, const char* op) {
  if (x.numel() != y.numel())
    fail_plan(std::string(op) + ": input dims " + dims_str(x.dims) + " and output dims " + dims_str(y.dims) +
              " have different element counts");
}

// ---- data movement ---------------------------------------------------------------------------

// Product of d[begin, end): the element count before or after an axis.
inline int64_t dims_product(const Dims& d, int64_t begin, int64_t end) {
  int64_t n = 1;
  for (int64_t i = begin; i < end; ++i) n *= d[i];
  return n;
}

// Copies `rows` rows of `bytes` bytes from src (rows src_stride bytes apart) to dst (dst_stride apart).
inline void copy_rows(void* dst, size_t dst_stride, const void* src, size_t src_stride, size_t bytes, int64_t rows) {
  uint8_t* d = static_cast<uint8_t*>(dst);
  const uint8_t* s = static_cast<const uint8_t*>(src);
  for (int64_t r = 0; r < rows; ++r) std::memcpy(d + r * dst_stride, s + r * src_stride, bytes);
}

// Concat and Split: `whole` (Concat's output, Split's input) holds its `parts` (Concat's inputs,
// Split's outputs) side by side along `axis`. Seen as [outer, row], part i is the byte range
// [offset, offset + block(part i)) of every row of whole, offset being the sum of the blocks of
// the parts before it (callers keep that running sum: nothing is allocated per run).
struct AxisBlocks {
  int64_t outer = 1;  // product of the dims before the axis
  size_t row = 0;     // bytes of one row of whole (the axis and the dims after it)
  size_t step = 0;    // bytes of one index along the axis (the dims after it)
  int64_t axis = 0;
  size_t block(const Tensor& part) const { return static_cast<size_t>(part.dims[axis]) * step; }
};

// Checks the plan's tensors (an axis of whole; every part present, of whole's type and rank, with
// whole's dims off the axis and sizes on it that add up to whole's; ERR_INVALID_PLAN otherwise, with
// the parts called `part` and whole `whole_name` in the message) and returns their layout.
template <class TensorPtr>
AxisBlocks axis_blocks(const char* op, const Tensor& whole, const std::vector<TensorPtr>& parts, int64_t axis,
                       const char* part, const char* whole_name) {
  if (axis < 0 || axis >= whole.rank()) fail_plan(std::string(op) + ": axis out of range");
  const size_t esize = dtype_size(whole.dtype);
  const int64_t inner = dims_product(whole.dims, axis + 1, whole.rank());
  AxisBlocks b;
  b.outer = dims_product(whole.dims, 0, axis);
  int64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i]) fail_plan(std::string(op) + ": missing " + part + " " + std::to_string(i));
    const Tensor& P = *parts[i];
    bool ok = P.dtype == whole.dtype && P.rank() == whole.rank();
    for (int64_t d = 0; ok && d < whole.rank(); ++d)
      if (d != axis && P.dims[d] != whole.dims[d]) ok = false;
    if (!ok)
      fail_plan(std::string(op) + ": " + part + " " + std::to_string(i) + " dims " + dims_str(P.dims) +
                " do not fit the " + whole_name + " dims " + dims_str(whole.dims) + " on axis " + std::to_string(axis));
    total += P.dims[axis];
  }
  if (total != whole.dims[axis])
    fail_plan(std::string(op) + ": the " + part + "s add up to " + std::to_string(total) + " on axis " +
              std::to_string(axis) + ", the " + whole_name + " has " + std::to_string(whole.dims[axis]));
  b.row = static_cast<size_t>(whole.dims[axis] * inner) * esize;
  b.step = static_cast<size_t>(inner) * esize;
  b.axis = axis;
  return b;
}

// ---- element types ---------------------------------------------------------------------------

template <DType D> struct CType;
template <> struct CType<DType::F32> { using type = float; };
template <> struct CType<DType::F64> { using type = double; };
template <> struct CType<DType::I8> { using type = int8_t; };
template <> struct CType<DType::U8> { using type = uint8_t; };
template <> struct CType<DType::I32> { using type = int32_t; };
template <> struct CType<DType::I64> { using type = int64_t; };
template <> struct CType<DType::Bool> { using type = uint8_t; };  // one byte, 0 or 1

template <DType D> using DTag = std::integral_constant<DType, D>;

// Calls f(DTag<D>{}) for the native element type t; throws for any other.
template <class F>
decltype(auto) dispatch_dtype(DType t, F&& f) {
  switch (t) {
    case DType::F32: return f(DTag<DType::F32>{});
    case DType::F64: return f(DTag<DType::F64>{});
    case DType::I8: return f(DTag<DType::I8>{});
    case DType::U8: return f(DTag<DType::U8>{});
    case DType::I32: return f(DTag<DType::I32>{});
    case DType::I64: return f(DTag<DType::I64>{});
    case DType::Bool: return f(DTag<DType::Bool>{});
    default: break;
  }
  throw Error(kErrInternal, std::string("unexpected element type ") + dtype_name(t));
}

// Calls f(T{}) with an unsigned integer type of the element size (1, 2, 4 or 8 bytes), for kernels
// that only move elements around.
template <class F>
void dispatch_size(size_t esize, F&& f) {
  switch (esize) {
    case 1: f(uint8_t{}); return;
    case 2: f(uint16_t{}); return;
    case 4: f(uint32_t{}); return;
    case 8: f(uint64_t{}); return;
    default: throw Error(kErrInternal, "unexpected element size " + std::to_string(esize));
  }
}

// Converts a double to T: floats by rounding, integers truncated toward zero and saturated at the
// type's range (NaN gives 0) so that no conversion is undefined behaviour.
template <class T>
T saturate_cast(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T(0);
    constexpr int digits = std::numeric_limits<T>::digits;
    const double hi = std::ldexp(1.0, digits);  // first value above the range
    if (v >= hi) return std::numeric_limits<T>::max();
    if (v <= (std::is_signed_v<T> ? -hi : 0.0)) return std::numeric_limits<T>::lowest();
    return static_cast<T>(v);
  }
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }  // a >= 0, b > 0

// Wrapping (two's complement) integer arithmetic; plain arithmetic for floating point.
template <class T> inline T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}
template <class T> inline T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  } else {
    return a - b;
  }
}
template <class T> inline T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // unsigned int arithmetic at least as wide as int avoids promotion to signed int.
    using U = std::common_type_t<std::make_unsigned_t<T>, unsigned>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}
template <class T> inline T wrap_neg(T a) {
  if constexpr (std::is_integral_v<T>) return wrap_sub(T(0), a);
  else return -a;
}

}  // namespace cpu
}  // namespace srt
