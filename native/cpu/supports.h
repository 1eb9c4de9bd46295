// The supports predicates that the CPU kernels and their CUDA twins share: both backends handle
// the same types, ranks and attributes for these operators, so one predicate (defined in the
// CPU file of the operator) states it for both; a CUDA file adds only its own limits to it.
#pragma once
#include <string>

#include "core/kernel.h"

namespace srt {
namespace cpu {

std::string supports_pool(const NodeSig& sig, bool is_max);  // cpu/pool.cc
std::string supports_maxpool(const NodeSig& sig);
std::string supports_avgpool(const NodeSig& sig);
std::string supports_reduce(const NodeSig& s);        // cpu/reduce.cc
std::string supports_layernorm(const NodeSig& s);     // cpu/layernorm.cc
std::string supports_softmax(const NodeSig& s);       // cpu/softmax.cc
std::string supports_gather(const NodeSig& s);        // cpu/gather.cc
std::string supports_matmul(const NodeSig& sig);      // cpu/matmul.cc
std::string supports_gemm(const NodeSig& sig);        // cpu/gemm_op.cc
std::string supports_slice(const NodeSig& s);         // cpu/slice.cc
std::string supports_transpose(const NodeSig& s);     // cpu/transpose.cc
std::string supports_pad(const NodeSig& s);           // cpu/pad.cc

}  // namespace cpu
}  // namespace srt
