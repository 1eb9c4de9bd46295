#include "kernel.h"

#include "thread_pool.h"

#include <cstdlib>
#include <cstring>

namespace srt {

namespace {
// Filled by static initialisers of the kernel files before main; read-only afterwards.
std::vector<KernelDef>& kernel_table() {
  static std::vector<KernelDef> table;
  return table;
}
}  // namespace

bool register_kernel(const KernelDef& def) {
  kernel_table().push_back(def);
  return true;
}

const KernelDef* find_kernel(const NodeSig& sig, Device device, std::string* why) {
  std::string reasons;
  bool any = false;
  for (const KernelDef& k : kernel_table()) {
    if (k.device != device || sig.op != k.op) continue;
    any = true;
    std::string r = k.supports ? k.supports(sig) : "";
    if (r.empty()) return &k;
    if (!reasons.empty()) reasons += "; ";
    reasons += r;
  }
  if (why) *why = any ? reasons : "no " + std::string(device == Device::CPU ? "cpu" : "cuda") + " kernel for " + sig.op;
  return nullptr;
}

std::vector<std::string> registered_ops(Device device) {
  std::vector<std::string> ops;
  for (const KernelDef& k : kernel_table())
    if (k.device == device) ops.emplace_back(k.op);
  return ops;
}

std::string require_types(const NodeSig& sig, std::initializer_list<DType> types, bool outputs_too) {
  auto ok = [&](DType t) {
    for (DType u : types)
      if (u == t) return true;
    return false;
  };
  for (size_t i = 0; i < sig.in_types.size(); ++i)
    if (sig.in_types[i] != DType::Undefined && !ok(sig.in_types[i]))
      return sig.op + ": input " + std::to_string(i) + " has unsupported type " + dtype_name(sig.in_types[i]);
  if (outputs_too)
    for (size_t i = 0; i < sig.out_types.size(); ++i)
      if (!ok(sig.out_types[i]))
        return sig.op + ": output " + std::to_string(i) + " has unsupported type " + dtype_name(sig.out_types[i]);
  return "";
}

std::string require_rank(const NodeSig& sig, int input, int min_rank, int max_rank) {
  if (input >= static_cast<int>(sig.in_ranks.size())) return sig.op + ": missing input " + std::to_string(input);
  int r = sig.in_ranks[input];
  if (r < min_rank || r > max_rank)
    return sig.op + ": input " + std::to_string(input) + " has rank " + std::to_string(r) + ", supported " +
           std::to_string(min_rank) + ".." + std::to_string(max_rank);
  return "";
}

void* ExecContext::scratch(size_t bytes) {
  if (device_) return device_->scratch(device_->owner, bytes);
  if (bytes > scratch_bytes_) {
    std::free(scratch_);
    size_t rounded = (bytes + 63) / 64 * 64;
    scratch_ = std::aligned_alloc(64, rounded);
    if (!scratch_) {
      scratch_bytes_ = 0;
      throw Error(kErrOutOfMemory, "could not allocate " + std::to_string(bytes) + " bytes of scratch memory");
    }
    scratch_bytes_ = rounded;
  }
  return scratch_;
}

int ExecContext::threads() const { return pool_ ? pool_->threads() : 1; }

void ExecContext::parallel_for(int64_t n, RangeFn fn, int64_t work) {
  if (n <= 0) return;
  if (pool_ && (work < 0 || work >= kMinParallelWork)) pool_->parallel_for(n, fn);
  else fn(0, n);
}

ExecContext::~ExecContext() { std::free(scratch_); }

}  // namespace srt
