// The strided copy of the data-movement kernels (Slice, Expand, the general Transpose): Y (dense)
// = X read through a simplified cpu::Walk<1>, one unit per thread, widened to units of up to 16
// bytes when rows are contiguous in X. Kept apart from movement.h so that only the files using it
// compile its kernels.
#pragma once
#include <cstdint>
#include <string>

#include "cpu/broadcast.h"
#include "cuda/movement.h"

namespace srt {
namespace cuda {

// A dense walk over `dims` reading a source at element offset base + sum_d c_d * strides[d]
// (strides may be 0 or negative), passed to kernels by value.
struct Strided {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t strides[kMaxRank] = {};
  int64_t base = 0;
};

// y[i] = x[offset of i], i over the dense walk; I is the linear index type (see dispatch_index).
template <class T, class I>
__global__ void strided_copy_kernel(const T* __restrict__ x, T* __restrict__ y, I n, Strided s) {
  for (I i = blockIdx.x * I(blockDim.x) + threadIdx.x; i < n; i += I(gridDim.x) * blockDim.x) {
    I rest = i;
    int64_t off = s.base;
    for (int d = s.rank - 1; d > 0; --d) {
      const I dim = static_cast<I>(s.dims[d]);
      const I q = rest / dim;
      off += static_cast<int64_t>(rest - q * dim) * s.strides[d];
      rest = q;
    }
    off += static_cast<int64_t>(rest) * s.strides[0];  // the outermost coordinate needs no division
    y[i] = x[off];
  }
}

// Y (dense, of w's shape) = X read through w, a one-operand walk in elements of X's type, already
// simplified. Rows that are contiguous in X and Y are moved in units of up to 16 bytes.
inline void strided_copy(const KernelCall& c, const char* op, cpu::Walk<1> w, const Tensor& X, Tensor& Y) {
  const int64_t n = Y.numel();
  if (n == 0) return;
  const int rank = static_cast<int>(w.shape.size());
  if (rank > kMaxRank)
    throw Error(kErrUnsupported, std::string(op) + ": CUDA kernels handle up to " + std::to_string(kMaxRank) + " dims");
  size_t esize = dtype_size(X.dtype);
  // Widen: with an inner stride of 1, group `ratio` elements of each row into one unit when the row
  // length, every other stride, the base and both addresses allow.
  if (rank >= 1 && w.strides[0][rank - 1] == 1) {
    const uint64_t inner_bytes = static_cast<uint64_t>(w.shape[rank - 1]) * esize;
    size_t unit = widest_unit({inner_bytes, static_cast<uint64_t>(w.base[0]) * esize, address_of(X.data), address_of(Y.data)});
    for (int d = 0; d + 1 < rank; ++d)
      unit = widest_unit({static_cast<uint64_t>(w.strides[0][d] < 0 ? -w.strides[0][d] : w.strides[0][d]) * esize}, unit);
    if (unit > esize) {
      const int64_t ratio = static_cast<int64_t>(unit / esize);
      w.shape[rank - 1] /= ratio;
      for (int d = 0; d + 1 < rank; ++d) w.strides[0][d] /= ratio;
      w.base[0] /= ratio;
      esize = unit;
    }
  }
  Strided s;
  s.rank = rank;
  for (int d = 0; d < rank; ++d) {
    s.dims[d] = w.shape[d];
    s.strides[d] = w.strides[0][d];
  }
  s.base = w.base[0];
  const int64_t units = n * static_cast<int64_t>(dtype_size(X.dtype)) / static_cast<int64_t>(esize);
  dispatch_unit(esize, [&](auto unit_tag) {
    using T = decltype(unit_tag);
    dispatch_index(units, [&](auto index_tag) {
      using I = decltype(index_tag);
      SRT_LAUNCH(blocks_for(units), kThreads, 0, stream_of(c), strided_copy_kernel<T, I>)
      (static_cast<const T*>(X.data), static_cast<T*>(Y.data), static_cast<I>(units), s);
    });
  });
  check_launch(op);
}

}  // namespace cuda
}  // namespace srt
