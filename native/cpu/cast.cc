// Cast between every pair of native element types.
//
//   to bool        x != 0 (NaN is true)
//   from bool      0 or 1
//   float → int    truncated toward zero and saturated at the target's range; NaN gives 0
//   int → int      two's complement wrap (as onnxruntime and numpy)
//   otherwise      the C++ conversion (float64 → float32 rounds; out-of-range gives ±inf)
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cpu/kernel_util.h"

namespace srt {
namespace {

template <DType DI, DType DO>
inline typename cpu::CType<DO>::type convert(typename cpu::CType<DI>::type x) {
  using TI = typename cpu::CType<DI>::type;
  using TO = typename cpu::CType<DO>::type;
  if constexpr (DO == DType::Bool) {
    return static_cast<TO>(x != TI(0));
  } else if constexpr (DI == DType::Bool) {
    return static_cast<TO>(x != 0 ? 1 : 0);
  } else if constexpr (std::is_floating_point_v<TI> && std::is_integral_v<TO>) {
    return cpu::saturate_cast<TO>(static_cast<double>(x));
  } else {
    return static_cast<TO>(x);
  }
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
  if (X.dtype == Y.dtype) {
    if (X.data != Y.data) std::memmove(Y.data, X.data, Y.nbytes());
    return;
  }
  cpu::dispatch_dtype(X.dtype, [&](auto ti) {
    cpu::dispatch_dtype(Y.dtype, [&](auto to) {
      constexpr DType DI = decltype(ti)::value, DO = decltype(to)::value;
      using TI = typename cpu::CType<DI>::type;
      using TO = typename cpu::CType<DO>::type;
      const TI* x = X.ptr<const TI>();
      TO* y = Y.ptr<TO>();
      for (int64_t i = 0; i < n; ++i) y[i] = convert<DI, DO>(x[i]);
    });
  });
}

}  // namespace

SRT_KERNEL("Cast", CPU, supports_cast, run_cast);

}  // namespace srt
