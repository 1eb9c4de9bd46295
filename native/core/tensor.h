// Tensors, element types and devices: the vocabulary shared by the executor and every kernel.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace srt {

// Element types use ONNX TensorProto.DataType codes so that both sides agree without a table.
enum class DType : int32_t {
  Undefined = 0,
  F32 = 1,
  U8 = 2,
  I8 = 3,
  I32 = 6,
  I64 = 7,
  Bool = 9,  // stored as one byte, 0 or 1
  F64 = 11,
};

size_t dtype_size(DType t);          // 0 for Undefined or unknown codes
const char* dtype_name(DType t);     // "float32", "int64", ... ("undefined" when unknown)
bool dtype_valid(int32_t code);      // is `code` one of the DType values above (not Undefined)?

enum class Device : int32_t { CPU = 0, CUDA = 1 };

using Dims = std::vector<int64_t>;

int64_t numel(const Dims& dims);

// A non-owning view: dims, element type and where the bytes are. Storage is owned by the
// executor (arena, weights) or by JavaScript (inputs, outputs) for the duration of a run.
struct Tensor {
  DType dtype = DType::Undefined;
  Dims dims;
  void* data = nullptr;
  Device device = Device::CPU;

  int rank() const { return static_cast<int>(dims.size()); }
  int64_t numel() const { return srt::numel(dims); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype); }
  template <class T> T* ptr() const { return static_cast<T*>(data); }
};

// Row-major strides in elements.
Dims strides_of(const Dims& dims);

}  // namespace srt
