// Identity and Reshape: a byte copy; Y's dims come from the plan and must hold as many elements as X.
#include <cstring>

#include "cpu/kernel_util.h"

namespace srt {
namespace {

std::string supports_copy(const NodeSig& s) {
  return cpu::require_unary_any_type(s);
}

void copy(const KernelCall& c, const char* name) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != Y.dtype) cpu::fail_plan(std::string(name) + ": input and output types differ");
  cpu::require_same_numel(X, Y, name);
  const size_t bytes = Y.nbytes();
  if (bytes && X.data != Y.data) std::memmove(Y.data, X.data, bytes);
}

void run_identity(const KernelCall& c) { copy(c, "Identity"); }
void run_reshape(const KernelCall& c) { copy(c, "Reshape"); }

}  // namespace

SRT_KERNEL("Identity", CPU, supports_copy, run_identity);
SRT_KERNEL("Reshape", CPU, supports_copy, run_reshape);

}  // namespace srt
