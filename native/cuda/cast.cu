// CUDA twin of cpu/cast.cc: Cast between every pair of native element types, with the same rules.
//
//   to bool        x != 0 (NaN is true)
//   from bool      0 or 1
//   float → int    truncated toward zero and saturated at the target's range; NaN gives 0
//   int → int      two's complement wrap (as onnxruntime and numpy)
//   otherwise      the C++ conversion (float64 → float32 rounds; out-of-range gives ±inf)
//
// A cast to the same type is a device-to-device copy on the stream (none when X and Y share storage).
#include <cstdint>
#include <limits>
#include <type_traits>

#include "cuda/cuda_util.h"

namespace srt {
namespace {

// cpu::saturate_cast for integer T: truncates toward zero, saturates at T's range, NaN gives 0.
template <class T>
__device__ __forceinline__ T saturate_to_int(double v) {
  if (v != v) return T(0);
  const double hi = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;  // 2^digits, exact
  if (v >= hi) return std::numeric_limits<T>::max();
  if (v <= (std::is_signed_v<T> ? -hi : 0.0)) return std::numeric_limits<T>::lowest();
  return static_cast<T>(v);
}

template <DType DI, DType DO>
struct Convert {
  using TI = typename cpu::CType<DI>::type;
  using TO = typename cpu::CType<DO>::type;
  __device__ __forceinline__ TO operator()(TI x) const {
    if constexpr (DO == DType::Bool) {
      return static_cast<TO>(x != TI(0));
    } else if constexpr (DI == DType::Bool) {
      return static_cast<TO>(x != 0 ? 1 : 0);
    } else if constexpr (std::is_floating_point_v<TI> && std::is_integral_v<TO>) {
      return saturate_to_int<TO>(static_cast<double>(x));
    } else {
      return static_cast<TO>(x);
    }
  }
};

template <DType DI, DType DO>
__global__ void cast_kernel(const typename cpu::CType<DI>::type* __restrict__ x,
                            typename cpu::CType<DO>::type* __restrict__ y, int64_t n) {
  const Convert<DI, DO> convert;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = convert(x[i]);
}

std::string supports_cast(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, SRT_ANY_TYPES));
  if (!r.empty()) return r;
  if (s.attrs.has("to")) {
    const int64_t to = s.attrs.i("to");
    if (to != static_cast<int64_t>(s.out_types[0]))
      return "Cast: attribute to=" + std::to_string(to) + " does not match the output type " +
             dtype_name(s.out_types[0]);
  }
  return "";
}

void run_cast(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Cast");
  Tensor& Y = cpu::output(c, 0, "Cast");
  cpu::require_same_numel(X, Y, "Cast");
  const int64_t n = Y.numel();
  if (n == 0) return;
  cudaStream_t stream = cuda::stream_of(c);
  if (X.dtype == Y.dtype) {
    if (X.data != Y.data) {
      const cudaError_t e = cudaMemcpyAsync(Y.data, X.data, Y.nbytes(), cudaMemcpyDeviceToDevice, stream);
      if (e != cudaSuccess) throw Error(kErrDevice, std::string("Cast: device copy failed: ") + cudaGetErrorString(e));
    }
    return;
  }
  cpu::dispatch_dtype(X.dtype, [&](auto ti) {
    cpu::dispatch_dtype(Y.dtype, [&](auto to) {
      constexpr DType DI = decltype(ti)::value, DO = decltype(to)::value;
      if constexpr (DI != DO) {
        using TI = typename cpu::CType<DI>::type;
        using TO = typename cpu::CType<DO>::type;
        SRT_LAUNCH(cuda::blocks_for(n), cuda::kThreads, 0, stream, cast_kernel<DI, DO>)
        (X.ptr<const TI>(), Y.ptr<TO>(), n);
      }
    });
  });
  cuda::check_launch("Cast");
}

}  // namespace

SRT_KERNEL("Cast", CUDA, supports_cast, run_cast);

}  // namespace srt
