// A plan is what the TypeScript planner produces for one set of concrete input shapes:
// every tensor with its type, dims and storage, and the steps in execution order.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attrs.h"
#include "kernel.h"
#include "tensor.h"

namespace srt {

enum class Storage : int32_t {
  Arena = 0,   // offset into the per-run arena (from the liveness-based memory plan)
  Weight = 1,  // index of a weight uploaded once at load
  Input = 2,   // index of a feed passed to run()
  Output = 3,  // index of an output buffer passed to run()
  Const = 4,   // index into the plan's own small constants
};

struct TensorDesc {
  DType dtype = DType::Undefined;
  Dims dims;
  Storage storage = Storage::Arena;
  int64_t offset = 0;  // Arena: byte offset
  int32_t index = 0;   // Weight / Input / Output / Const: index
};

struct NodeDesc {
  std::string op;
  Attrs attrs;
  std::vector<int32_t> inputs;   // tensor ids, -1 for an absent optional input
  std::vector<int32_t> outputs;  // tensor ids
};

// The plain description copied out of JavaScript on the JS thread (no N-API types in it).
struct PlanDesc {
  std::vector<TensorDesc> tensors;
  std::vector<std::vector<uint8_t>> consts;
  std::vector<NodeDesc> nodes;
  int64_t arena_bytes = 0;
  std::vector<int32_t> inputs;   // tensor id of feed i
  std::vector<int32_t> outputs;  // tensor id of output i
};

// A validated plan bound to kernels; immutable, so runs may share it.
struct Plan {
  PlanDesc desc;
  std::vector<const KernelDef*> kernels;  // one per node
  std::vector<std::shared_ptr<const void>> prepared;  // one per node: its kernel's prepare result, or null
  uint64_t id = 0;                        // unique per engine: the key of per-plan device caches
  std::shared_ptr<void> device_state;     // what a device backend prepared for this plan
};

}  // namespace srt
