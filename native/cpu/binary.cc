// Binary element-wise operators with numpy broadcasting: arithmetic (Add, Sub, Mul, Div, Pow),
// comparisons (Equal, Less, Greater → bool) and logic (And, Or, Xor on bool).
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"

namespace srt {
namespace {

using cpu::DTag;

// Y[i] = op(A[ia], B[ib]) over the broadcast of A and B to Y's dims. The inner loop has separate
// paths for equal shapes and for a broadcast (stride 0) operand so that the compiler can vectorise.
// Outputs with at least this many elements split the walk's outermost axis over the threads
// (when binary_loop is given the run's ExecContext); below, waking the pool costs about what it saves.
constexpr int64_t kParallelMin = int64_t(1) << 16;

template <class TA, class TB, class TY, class Op>
void binary_loop(const char* name, const Tensor& A, const Tensor& B, Tensor& Y, Op op, ExecContext* ctx = nullptr) {
  if (Y.numel() == 0) return;
  const cpu::Walk<2> w = cpu::broadcast_walk<2>(name, Y.dims, {&A.dims, &B.dims});
  const TA* a = A.ptr<const TA>();
  const TB* b = B.ptr<const TB>();
  TY* y = Y.ptr<TY>();
  const int64_t sa = w.strides[0].back(), sb = w.strides[1].back();
  auto row = [&](int64_t yo, const std::array<int64_t, 2>& off, int64_t n) {
    const TA* pa = a + off[0];
    const TB* pb = b + off[1];
    TY* py = y + yo;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < n; ++i) py[i] = op(pa[i], pb[i]);
    } else if (sa == 0 && sb == 1) {
      const TA va = *pa;
      for (int64_t i = 0; i < n; ++i) py[i] = op(va, pb[i]);
    } else if (sa == 1 && sb == 0) {
      const TB vb = *pb;
      for (int64_t i = 0; i < n; ++i) py[i] = op(pa[i], vb);
    } else {
      for (int64_t i = 0; i < n; ++i) py[i] = op(pa[i * sa], pb[i * sb]);
    }
  };
  const int64_t total = Y.numel();
  if (!ctx || total < kParallelMin || ctx->threads() < 2) {
    cpu::walk_rows(w, row);
    return;
  }
  // Large outputs: split over the threads.
  cpu::walk_rows_parallel(w, *ctx, total, row);
}

// ---- arithmetic --------------------------------------------------------------------------------

struct AddOp { template <class T> T operator()(T a, T b) const { return cpu::wrap_add(a, b); } };
struct SubOp { template <class T> T operator()(T a, T b) const { return cpu::wrap_sub(a, b); } };
struct MulOp { template <class T> T operator()(T a, T b) const { return cpu::wrap_mul(a, b); } };
struct DivOp {
  template <class T> T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      // Truncates toward zero like C; x / 0 is defined as 0 and MIN / -1 wraps (both would trap).
      if (b == 0) return T(0);
      if (b == -1) return cpu::wrap_neg(a);
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
  cpu::dispatch_dtype(Y.dtype, [&](auto tag) {
    using T = typename cpu::CType<decltype(tag)::value>::type;
    if constexpr (decltype(tag)::value == DType::F32 || decltype(tag)::value == DType::I32 ||
                  decltype(tag)::value == DType::I64) {
      binary_loop<T, T, T>(name, A, B, Y, Op{}, &c.ctx);
    } else {
      cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(Y.dtype));
    }
  });
}

std::string supports_arith(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2),
                           require_types(s, {DType::F32, DType::I32, DType::I64}),
                           cpu::require_same_types(s, 0, {1}, {0}));
}

void run_add(const KernelCall& c) { run_arith<AddOp>(c, "Add"); }
void run_sub(const KernelCall& c) { run_arith<SubOp>(c, "Sub"); }
void run_mul(const KernelCall& c) { run_arith<MulOp>(c, "Mul"); }
void run_div(const KernelCall& c) { run_arith<DivOp>(c, "Div"); }

// ---- Pow ---------------------------------------------------------------------------------------

// Integer power by squaring, wrapping on overflow. Negative exponents give the truncated real
// result: 1 for base 1, ±1 for base -1, and 0 otherwise (0 for base 0 too, where the real result is inf).
template <class T>
T int_pow(T base, int64_t e) {
  if (e < 0) {
    if (base == 1) return T(1);
    if (base == -1) return (e & 1) ? T(-1) : T(1);
    return T(0);
  }
  T result = 1;
  while (e > 0) {
    if (e & 1) result = cpu::wrap_mul(result, base);
    e >>= 1;
    if (e) base = cpu::wrap_mul(base, base);
  }
  return result;
}

template <class TA, class TB>
struct PowOp {
  TA operator()(TA a, TB b) const {
    if constexpr (std::is_same_v<TA, float> && std::is_same_v<TB, float>) {
      return std::pow(a, b);
    } else if constexpr (std::is_floating_point_v<TA>) {
      return static_cast<TA>(std::pow(static_cast<double>(a), static_cast<double>(b)));
    } else if constexpr (std::is_integral_v<TB>) {
      return int_pow<TA>(a, static_cast<int64_t>(b));
    } else {
      return cpu::saturate_cast<TA>(std::pow(static_cast<double>(a), static_cast<double>(b)));
    }
  }
};

std::string supports_pow(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2),
                           require_types(s, {DType::F32, DType::I32, DType::I64}),
                           cpu::require_same_types(s, 0, {}, {0}));
}

void run_pow(const KernelCall& c) {
  const Tensor& A = cpu::input(c, 0, "Pow");
  const Tensor& B = cpu::input(c, 1, "Pow");
  Tensor& Y = cpu::output(c, 0, "Pow");
  auto numeric = [](DType t) { return t == DType::F32 || t == DType::I32 || t == DType::I64; };
  if (!numeric(A.dtype) || !numeric(B.dtype) || Y.dtype != A.dtype) cpu::fail_plan("Pow: unsupported types");
  cpu::dispatch_dtype(A.dtype, [&](auto ta) {
    cpu::dispatch_dtype(B.dtype, [&](auto tb) {
      constexpr DType DA = decltype(ta)::value, DB = decltype(tb)::value;
      if constexpr ((DA == DType::F32 || DA == DType::I32 || DA == DType::I64) &&
                    (DB == DType::F32 || DB == DType::I32 || DB == DType::I64)) {
        using TA = typename cpu::CType<DA>::type;
        using TB = typename cpu::CType<DB>::type;
        binary_loop<TA, TB, TA>("Pow", A, B, Y, PowOp<TA, TB>{});
      }
    });
  });
}

// ---- comparisons -------------------------------------------------------------------------------

struct EqualOp { template <class T> uint8_t operator()(T a, T b) const { return a == b; } };
struct LessOp { template <class T> uint8_t operator()(T a, T b) const { return a < b; } };
struct GreaterOp { template <class T> uint8_t operator()(T a, T b) const { return a > b; } };
struct BoolEqualOp { uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) == (b != 0); } };

template <class Op>
void run_compare(const KernelCall& c, const char* name) {
  const Tensor& A = cpu::input(c, 0, name);
  const Tensor& B = cpu::input(c, 1, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (Y.dtype != DType::Bool || B.dtype != A.dtype) cpu::fail_plan(std::string(name) + ": unsupported types");
  switch (A.dtype) {
    case DType::F32: binary_loop<float, float, uint8_t>(name, A, B, Y, Op{}); break;
    case DType::I32: binary_loop<int32_t, int32_t, uint8_t>(name, A, B, Y, Op{}); break;
    case DType::I64: binary_loop<int64_t, int64_t, uint8_t>(name, A, B, Y, Op{}); break;
    case DType::Bool:
      if constexpr (std::is_same_v<Op, EqualOp>) {
        binary_loop<uint8_t, uint8_t, uint8_t>(name, A, B, Y, BoolEqualOp{});
        break;
      }
      [[fallthrough]];
    default: cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(A.dtype));
  }
}

std::string supports_compare(const NodeSig& s) {
  const bool equal = s.op == "Equal";
  std::string r = cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2), cpu::require_out_type(s, 0, DType::Bool),
                                    cpu::require_same_types(s, 0, {1}, {}));
  if (!r.empty()) return r;
  return equal ? require_types(s, {DType::F32, DType::I32, DType::I64, DType::Bool}, false)
               : require_types(s, {DType::F32, DType::I32, DType::I64}, false);
}

void run_equal(const KernelCall& c) { run_compare<EqualOp>(c, "Equal"); }
void run_less(const KernelCall& c) { run_compare<LessOp>(c, "Less"); }
void run_greater(const KernelCall& c) { run_compare<GreaterOp>(c, "Greater"); }

// ---- logic -------------------------------------------------------------------------------------

struct AndOp { uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) & (b != 0); } };
struct OrOp { uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) | (b != 0); } };
struct XorOp { uint8_t operator()(uint8_t a, uint8_t b) const { return (a != 0) ^ (b != 0); } };

std::string supports_logic(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 2, 2, 1, 1, 2), require_types(s, {DType::Bool}));
}

template <class Op>
void run_logic(const KernelCall& c, const char* name) {
  const Tensor& A = cpu::input(c, 0, name);
  const Tensor& B = cpu::input(c, 1, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (A.dtype != DType::Bool || B.dtype != DType::Bool || Y.dtype != DType::Bool)
    cpu::fail_plan(std::string(name) + ": unsupported types");
  binary_loop<uint8_t, uint8_t, uint8_t>(name, A, B, Y, Op{});
}

void run_and(const KernelCall& c) { run_logic<AndOp>(c, "And"); }
void run_or(const KernelCall& c) { run_logic<OrOp>(c, "Or"); }
void run_xor(const KernelCall& c) { run_logic<XorOp>(c, "Xor"); }

}  // namespace

SRT_KERNEL("Add", CPU, supports_arith, run_add);
SRT_KERNEL("Sub", CPU, supports_arith, run_sub);
SRT_KERNEL("Mul", CPU, supports_arith, run_mul);
SRT_KERNEL("Div", CPU, supports_arith, run_div);
SRT_KERNEL("Pow", CPU, supports_pow, run_pow);
SRT_KERNEL("Equal", CPU, supports_compare, run_equal);
SRT_KERNEL("Less", CPU, supports_compare, run_less);
SRT_KERNEL("Greater", CPU, supports_compare, run_greater);
SRT_KERNEL("And", CPU, supports_logic, run_and);
SRT_KERNEL("Or", CPU, supports_logic, run_or);
SRT_KERNEL("Xor", CPU, supports_logic, run_xor);

}  // namespace srt
