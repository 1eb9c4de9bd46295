// CUDA twin of cpu/gather.cc: Gather along `axis`, Y = data[..., indices[...], ...] with Y.dims =
// data.dims[:axis] + indices.dims + data.dims[axis+1:]. data of any element type (moved as blocks
// of bytes); indices int32 or int64, negative ones counted from the end.
//
// Y is [outer, ni, inner] and data [outer, dim, inner]; each thread moves one unit (up to 16 bytes,
// as the inner block and the addresses allow) of Y. An index out of range cannot throw from the
// device: the kernel reports it through the run's error word (cuda::report_error; the executor
// turns it into ERR_INVALID_INPUT after the run, as the CPU kernel's throw) and writes zeros
// instead of reading out of bounds. When Y is empty the indices are still checked, as on the CPU.
#include <cstdint>

#include "cpu/supports.h"
#include "cuda/movement.h"

namespace srt {
namespace {

// T: the unit moved; Ix: the index type; I: the linear index type (see cuda::dispatch_index).
template <class T, class Ix, class I>
__global__ void gather_kernel(const T* __restrict__ data, const Ix* __restrict__ idx, T* __restrict__ y, I n,
                              int64_t ni, int64_t dim, int64_t inner, int32_t* error_word, int32_t error_code) {
  const I inner_i = static_cast<I>(inner), ni_i = static_cast<I>(ni);
  for (I i = blockIdx.x * I(blockDim.x) + threadIdx.x; i < n; i += I(gridDim.x) * blockDim.x) {
    const I q = i / inner_i;
    const I j = i - q * inner_i;  // position within the inner block
    const I o = q / ni_i;
    const I k = q - o * ni_i;     // which index
    int64_t v = static_cast<int64_t>(idx[k]);
    if (v < 0) v += dim;
    if (v < 0 || v >= dim) {
      cuda::report_error(error_word, error_code);
      y[i] = T{};
    } else {
      y[i] = data[(static_cast<int64_t>(o) * dim + v) * inner + static_cast<int64_t>(j)];
    }
  }
}

// The checks alone, for an empty Y with indices.
template <class Ix>
__global__ void check_indices_kernel(const Ix* __restrict__ idx, int64_t ni, int64_t dim, int32_t* error_word,
                                     int32_t error_code) {
  for (int64_t k = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; k < ni; k += int64_t(gridDim.x) * blockDim.x) {
    const int64_t v = static_cast<int64_t>(idx[k]);
    if (v < -dim || v >= dim) cuda::report_error(error_word, error_code);
  }
}


template <class Ix>
void gather(const KernelCall& c, const Tensor& D, const Tensor& Idx, Tensor& Y, int64_t axis) {
  const DeviceContext& dev = cuda::device_of(c);
  if (!dev.error_word) throw Error(kErrInternal, "Gather: the CUDA run has no error word");
  const int64_t ni = Idx.numel();
  const int64_t dim = D.dims[axis];
  const cudaStream_t stream = cuda::stream_of(c);
  if (Y.numel() == 0) {
    if (ni == 0) return;
    SRT_LAUNCH(cuda::blocks_for(ni), cuda::kThreads, 0, stream, check_indices_kernel<Ix>)
    (Idx.ptr<const Ix>(), ni, dim, dev.error_word, dev.error_code);
    cuda::check_launch("Gather");
    return;
  }
  const int64_t outer = cpu::dims_product(D.dims, 0, axis), inner = cpu::dims_product(D.dims, axis + 1, D.rank());
  const size_t block = static_cast<size_t>(inner) * dtype_size(D.dtype);
  const size_t unit = cuda::widest_unit({block, cuda::address_of(D.data), cuda::address_of(Y.data)});
  const int64_t inner_units = static_cast<int64_t>(block / unit);
  const int64_t n = outer * ni * inner_units;
  cuda::dispatch_unit(unit, [&](auto unit_tag) {
    using T = decltype(unit_tag);
    cuda::dispatch_index(n, [&](auto index_tag) {
      using I = decltype(index_tag);
      SRT_LAUNCH(cuda::blocks_for(n), cuda::kThreads, 0, stream, gather_kernel<T, Ix, I>)
      (static_cast<const T*>(D.data), Idx.ptr<const Ix>(), static_cast<T*>(Y.data), static_cast<I>(n), ni, dim,
       inner_units, dev.error_word, dev.error_code);
    });
  });
  cuda::check_launch("Gather");
}

void run_gather(const KernelCall& c) {
  const Tensor& D = cpu::input(c, 0, "Gather");
  const Tensor& Idx = cpu::input(c, 1, "Gather");
  Tensor& Y = cpu::output(c, 0, "Gather");
  const int64_t axis = c.attrs.i("axis", 0);
  if (axis < 0 || axis >= D.rank()) cpu::fail_plan("Gather: axis out of range");
  Dims expect(D.dims.begin(), D.dims.begin() + axis);
  expect.insert(expect.end(), Idx.dims.begin(), Idx.dims.end());
  expect.insert(expect.end(), D.dims.begin() + axis + 1, D.dims.end());
  if (Y.dims != expect || Y.dtype != D.dtype)
    cpu::fail_plan("Gather: output dims " + cpu::dims_str(Y.dims) + " do not match the expected " + cpu::dims_str(expect));
  if (Idx.dtype == DType::I32) gather<int32_t>(c, D, Idx, Y, axis);
  else if (Idx.dtype == DType::I64) gather<int64_t>(c, D, Idx, Y, axis);
  else cpu::fail_plan("Gather: indices must be int32 or int64");
}

}  // namespace

SRT_KERNEL("Gather", CUDA, cpu::supports_gather, run_gather);

}  // namespace srt
