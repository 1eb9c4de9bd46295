// CUDA twin of cpu/binary.cc: binary element-wise operators with numpy broadcasting, arithmetic
// (Add, Sub, Mul, Div, Pow), comparisons (Equal, Less, Greater → bool) and logic (And, Or, Xor on
// bool), with the same types and integer semantics (two's complement wrapping, x / 0 = 0,
// MIN / -1 wraps, integer Pow by squaring).
//
// The broadcast is simplified on the host (cpu::broadcast_walk drops size-1 dims and merges dims
// contiguous for both operands), then one of four grid-stride kernels runs: same shape, scalar A,
// scalar B (no per-element index math) or the general strided one, which splits the output index
// into a multi-index once and applies both operands' strides.
#include <cstdint>
#include <limits>
#include <type_traits>

#include "cpu/broadcast.h"
#include "cuda/cuda_util.h"

namespace srt {
namespace {

// ---- integer helpers usable on the device (the cpu:: ones are host-only) -----------------------

template <class T>
__device__ __forceinline__ T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}
template <class T>
__device__ __forceinline__ T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  } else {
    return a - b;
  }
}
template <class T>
__device__ __forceinline__ T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // unsigned arithmetic at least as wide as int avoids promotion to signed int.
    using U = std::common_type_t<std::make_unsigned_t<T>, unsigned>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

// cpu::saturate_cast for integer T: truncates toward zero, saturates at T's range, NaN gives 0.
template <class T>
__device__ __forceinline__ T saturate_to_int(double v) {
  if (v != v) return T(0);
  const double hi = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;  // 2^digits, exact
  if (v >= hi) return std::numeric_limits<T>::max();
  if (v <= (std::is_signed_v<T> ? -hi : 0.0)) return std::numeric_limits<T>::lowest();
  return static_cast<T>(v);
}

// ---- kernels -----------------------------------------------------------------------------------

// The simplified broadcast passed by value: output dims and each operand's element strides.
struct Broadcast2 {
  int rank = 0;
  int64_t dims[cuda::kMaxRank] = {};
  int64_t stride_a[cuda::kMaxRank] = {};
  int64_t stride_b[cuda::kMaxRank] = {};
};

template <class TA, class TB, class TY, class Op>
__global__ void same_shape_kernel(const TA* __restrict__ a, const TB* __restrict__ b, TY* __restrict__ y, int64_t n,
                                  Op op) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = op(a[i], b[i]);
}

template <class TA, class TB, class TY, class Op>
__global__ void scalar_a_kernel(const TA* __restrict__ a, const TB* __restrict__ b, TY* __restrict__ y, int64_t n,
                                Op op) {
  const TA va = a[0];
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = op(va, b[i]);
}

template <class TA, class TB, class TY, class Op>
__global__ void scalar_b_kernel(const TA* __restrict__ a, const TB* __restrict__ b, TY* __restrict__ y, int64_t n,
                                Op op) {
  const TB vb = b[0];
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = op(a[i], vb);
}

template <class TA, class TB, class TY, class Op>
__global__ void broadcast_kernel(const TA* __restrict__ a, const TB* __restrict__ b, TY* __restrict__ y, int64_t n,
                                 Broadcast2 s, Op op) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t rest = i, oa = 0, ob = 0;
    for (int d = s.rank - 1; d > 0; --d) {
      const int64_t q = rest / s.dims[d];
      const int64_t r = rest - q * s.dims[d];
      oa += r * s.stride_a[d];
      ob += r * s.stride_b[d];
      rest = q;
    }
    oa += rest * s.stride_a[0];  // the outermost index needs no division
    ob += rest * s.stride_b[0];
    y[i] = op(a[oa], b[ob]);
  }
}

// Y[i] = op(A[ia], B[ib]) over the broadcast of A and B to Y's dims.
template <class TA, class TB, class TY, class Op>
void binary_launch(const KernelCall& c, const char* name, const Tensor& A, const Tensor& B, Tensor& Y, Op op) {
  const int64_t n = Y.numel();
  if (n == 0) return;
  const cpu::Walk<2> w = cpu::broadcast_walk<2>(name, Y.dims, {&A.dims, &B.dims});
  const TA* a = A.ptr<const TA>();
  const TB* b = B.ptr<const TB>();
  TY* y = Y.ptr<TY>();
  const unsigned blocks = cuda::blocks_for(n);
  cudaStream_t stream = cuda::stream_of(c);
  const int rank = static_cast<int>(w.shape.size());
  const int64_t sa = w.strides[0].back(), sb = w.strides[1].back();
  if (rank == 1 && sa == 1 && sb == 1) {
    SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, same_shape_kernel<TA, TB, TY, Op>)(a, b, y, n, op);
  } else if (rank == 1 && sa == 0 && sb == 1) {
    SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, scalar_a_kernel<TA, TB, TY, Op>)(a, b, y, n, op);
  } else if (rank == 1 && sa == 1 && sb == 0) {
    SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, scalar_b_kernel<TA, TB, TY, Op>)(a, b, y, n, op);
  } else {
    if (rank > cuda::kMaxRank)
      throw Error(kErrUnsupported, std::string(name) + ": CUDA kernels handle broadcasts of up to " +
                                       std::to_string(cuda::kMaxRank) + " dims");
    Broadcast2 s;
    s.rank = rank;
    for (int d = 0; d < rank; ++d) {
      s.dims[d] = w.shape[d];
      s.stride_a[d] = w.strides[0][d];
      s.stride_b[d] = w.strides[1][d];
    }
    SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, broadcast_kernel<TA, TB, TY, Op>)(a, b, y, n, s, op);
  }
  cuda::check_launch(name);
}

// The CPU predicates accept any rank; the general kernel handles up to kMaxRank (simplified) dims.
std::string require_max_rank(const NodeSig& s) {
  if (!s.out_ranks.empty() && s.out_ranks[0] > cuda::kMaxRank)
    return s.op + ": CUDA kernels handle up to " + std::to_string(cuda::kMaxRank) + " dims";
  return "";
}

// ---- arithmetic --------------------------------------------------------------------------------

struct AddOp {
  template <class T> __device__ T operator()(T a, T b) const { return wrap_add(a, b); }
};
struct SubOp {
  template <class T> __device__ T operator()(T a, T b) const { return wrap_sub(a, b); }
};
struct MulOp {
  template <class T> __device__ T operator()(T a, T b) const { return wrap_mul(a, b); }
};
struct DivOp {
  template <class T> __device__ T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      // Truncates toward zero like C; x / 0 is defined as 0 and MIN / -1 wraps (both would trap).
      if (b == 0) return T(0);
      if (b == -1) return wrap_sub(T(0), a);
      return static_cast<T>(a / b);
    } else {
      return a / b;
    }
  }
};

template <class Op>
void run_arith(const KernelCall& c, const char* name) {
  const Tensor& A = cpu::input(c, 0, name);
  const Tensor& B = cpu::input(c, 1, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (A.dtype != Y.dtype || B.dtype != Y.dtype) cpu::fail_plan(std::string(name) + ": unsupported types");
  switch (Y.dtype) {
    case DType::F32: binary_launch<float, float, float>(c, name, A, B, Y, Op{}); break;
    case DType::I32: binary_launch<int32_t, int32_t, int32_t>(c, name, A, B, Y, Op{}); break;
    case DType::I64: binary_launch<int64_t, int64_t, int64_t>(c, name, A, B, Y, Op{}); break;
    default: cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(Y.dtype));
  }
}

std::string supports_arith(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2),
                           require_types(s, {DType::F32, DType::I32, DType::I64}),
                           cpu::require_same_types(s, 0, {1}, {0}), require_max_rank(s));
}

void run_add(const KernelCall& c) { run_arith<AddOp>(c, "Add"); }
void run_sub(const KernelCall& c) { run_arith<SubOp>(c, "Sub"); }
void run_mul(const KernelCall& c) { run_arith<MulOp>(c, "Mul"); }
void run_div(const KernelCall& c) { run_arith<DivOp>(c, "Div"); }

// ---- Pow ---------------------------------------------------------------------------------------

// Integer power by squaring, wrapping on overflow. Negative exponents give the truncated real
// result: 1 for base 1, ±1 for base -1, and 0 otherwise (0 for base 0 too, where the real result is inf).
template <class T>
__device__ __forceinline__ T int_pow(T base, int64_t e) {
  if (e < 0) {
    if (base == 1) return T(1);
    if (base == -1) return (e & 1) ? T(-1) : T(1);
    return T(0);
  }
  T result = 1;
  while (e > 0) {
    if (e & 1) result = wrap_mul(result, base);
    e >>= 1;
    if (e) base = wrap_mul(base, base);
  }
  return result;
}

template <class TA, class TB>
struct PowOp {
  __device__ TA operator()(TA a, TB b) const {
    if constexpr (std::is_same_v<TA, float> && std::is_same_v<TB, float>) {
      return powf(a, b);
    } else if constexpr (std::is_floating_point_v<TA>) {
      return static_cast<TA>(pow(static_cast<double>(a), static_cast<double>(b)));
    } else if constexpr (std::is_integral_v<TB>) {
      return int_pow<TA>(a, static_cast<int64_t>(b));
    } else {
      return saturate_to_int<TA>(pow(static_cast<double>(a), static_cast<double>(b)));
    }
  }
};

std::string supports_pow(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2),
                           require_types(s, {DType::F32, DType::I32, DType::I64}),
                           cpu::require_same_types(s, 0, {}, {0}), require_max_rank(s));
}

// Pow for base type TA: dispatches the exponent's type.
template <class TA>
void pow_with_base(const KernelCall& c, const Tensor& A, const Tensor& B, Tensor& Y) {
  switch (B.dtype) {
    case DType::F32: binary_launch<TA, float, TA>(c, "Pow", A, B, Y, PowOp<TA, float>{}); break;
    case DType::I32: binary_launch<TA, int32_t, TA>(c, "Pow", A, B, Y, PowOp<TA, int32_t>{}); break;
    case DType::I64: binary_launch<TA, int64_t, TA>(c, "Pow", A, B, Y, PowOp<TA, int64_t>{}); break;
    default: cpu::fail_plan("Pow: unsupported types");
  }
}

void run_pow(const KernelCall& c) {
  const Tensor& A = cpu::input(c, 0, "Pow");
  const Tensor& B = cpu::input(c, 1, "Pow");
  Tensor& Y = cpu::output(c, 0, "Pow");
  if (Y.dtype != A.dtype) cpu::fail_plan("Pow: unsupported types");
  switch (A.dtype) {
    case DType::F32: pow_with_base<float>(c, A, B, Y); break;
    case DType::I32: pow_with_base<int32_t>(c, A, B, Y); break;
    case DType::I64: pow_with_base<int64_t>(c, A, B, Y); break;
    default: cpu::fail_plan("Pow: unsupported types");
  }
}

// ---- comparisons -------------------------------------------------------------------------------

struct EqualOp {
  template <class T> __device__ uint8_t operator()(T a, T b) const { return a == b; }
};
struct LessOp {
  template <class T> __device__ uint8_t operator()(T a, T b) const { return a < b; }
};
struct GreaterOp {
  template <class T> __device__ uint8_t operator()(T a, T b) const { return a > b; }
};
struct BoolEqualOp {
  __device__ uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) == (b != 0); }
};

template <class Op>
void run_compare(const KernelCall& c, const char* name) {
  const Tensor& A = cpu::input(c, 0, name);
  const Tensor& B = cpu::input(c, 1, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (Y.dtype != DType::Bool || B.dtype != A.dtype) cpu::fail_plan(std::string(name) + ": unsupported types");
  switch (A.dtype) {
    case DType::F32: binary_launch<float, float, uint8_t>(c, name, A, B, Y, Op{}); break;
    case DType::I32: binary_launch<int32_t, int32_t, uint8_t>(c, name, A, B, Y, Op{}); break;
    case DType::I64: binary_launch<int64_t, int64_t, uint8_t>(c, name, A, B, Y, Op{}); break;
    case DType::Bool:
      if constexpr (std::is_same_v<Op, EqualOp>) {
        binary_launch<uint8_t, uint8_t, uint8_t>(c, name, A, B, Y, BoolEqualOp{});
        break;
      }
      [[fallthrough]];
    default: cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(A.dtype));
  }
}

std::string supports_compare(const NodeSig& s) {
  const bool equal = s.op == "Equal";
  std::string r = cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2), cpu::require_out_type(s, 0, DType::Bool),
                                    cpu::require_same_types(s, 0, {1}, {}), require_max_rank(s));
  if (!r.empty()) return r;
  return equal ? require_types(s, {DType::F32, DType::I32, DType::I64, DType::Bool}, false)
               : require_types(s, {DType::F32, DType::I32, DType::I64}, false);
}

void run_equal(const KernelCall& c) { run_compare<EqualOp>(c, "Equal"); }
void run_less(const KernelCall& c) { run_compare<LessOp>(c, "Less"); }
void run_greater(const KernelCall& c) { run_compare<GreaterOp>(c, "Greater"); }

// ---- logic -------------------------------------------------------------------------------------

struct AndOp {
  __device__ uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) & (b != 0); }
};
struct OrOp {
  __device__ uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) | (b != 0); }
};
struct XorOp {
  __device__ uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) ^ (b != 0); }
};

std::string supports_logic(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2), require_types(s, {DType::Bool}),
                           require_max_rank(s));
}

template <class Op>
void run_logic(const KernelCall& c, const char* name) {
  const Tensor& A = cpu::input(c, 0, name);
  const Tensor& B = cpu::input(c, 1, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (A.dtype != DType::Bool || B.dtype != DType::Bool || Y.dtype != DType::Bool)
    cpu::fail_plan(std::string(name) + ": unsupported types");
  binary_launch<uint8_t, uint8_t, uint8_t>(c, name, A, B, Y, Op{});
}

void run_and(const KernelCall& c) { run_logic<AndOp>(c, "And"); }
void run_or(const KernelCall& c) { run_logic<OrOp>(c, "Or"); }
void run_xor(const KernelCall& c) { run_logic<XorOp>(c, "Xor"); }

}  // namespace

SRT_KERNEL("Add", CUDA, supports_arith, run_add);
SRT_KERNEL("Sub", CUDA, supports_arith, run_sub);
SRT_KERNEL("Mul", CUDA, supports_arith, run_mul);
SRT_KERNEL("Div", CUDA, supports_arith, run_div);
SRT_KERNEL("Pow", CUDA, supports_pow, run_pow);
SRT_KERNEL("Equal", CUDA, supports_compare, run_equal);
SRT_KERNEL("Less", CUDA, supports_compare, run_less);
SRT_KERNEL("Greater", CUDA, supports_compare, run_greater);
SRT_KERNEL("And", CUDA, supports_logic, run_and);
SRT_KERNEL("Or", CUDA, supports_logic, run_or);
SRT_KERNEL("Xor", CUDA, supports_logic, run_xor);

}  // namespace srt
