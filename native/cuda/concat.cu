// CUDA twin of cpu/concat.cc: Concat along `axis`, any element type (byte copies). X1..Xn agree
// with Y on every other axis.
//
// Seen as [outer, row], input i fills the byte range [offset[i], offset[i] + block[i]) of every row
// of Y (cpu::axis_blocks). One launch copies up to kPartsPerLaunch inputs, blockIdx.y picking the
// input, in the widest unit (up to 16 bytes) that every block, offset and address allows; reads
// and writes are both contiguous runs of a row.
#include <cstdint>

#include "cuda/movement.h"

namespace srt {
namespace {

constexpr int kPartsPerLaunch = 16;

// Up to kPartsPerLaunch inputs, sizes in units of the launch's type.
template <class T>
struct ConcatParts {
  const T* src[kPartsPerLaunch];
  int64_t block[kPartsPerLaunch];   // units of one row of the input
  int64_t offset[kPartsPerLaunch];  // where that row starts within a row of Y
};

template <class T, class I>
__global__ void concat_kernel(ConcatParts<T> p, T* __restrict__ y, int64_t outer, int64_t row) {
  const int part = static_cast<int>(blockIdx.y);
  const T* __restrict__ x = p.src[part];
  const I block = static_cast<I>(p.block[part]);
  const I n = static_cast<I>(outer * p.block[part]);
  for (I i = blockIdx.x * I(blockDim.x) + threadIdx.x; i < n; i += I(gridDim.x) * blockDim.x) {
    const I r = i / block;
    y[static_cast<int64_t>(r) * row + p.offset[part] + static_cast<int64_t>(i - r * block)] = x[i];
  }
}

std::string supports_concat(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 1, 1u << 20, 1, 1, s.in_types.size()),
                                    require_types(s, SRT_ANY_TYPES), cpu::require_same_types(s, 0, {}, {0}));
  if (!r.empty()) return r;
  for (size_t i = 1; i < s.in_types.size(); ++i)
    if (s.in_types[i] != s.in_types[0]) return s.op + ": inputs have different types";
  const int rank = s.out_ranks[0];
  for (size_t i = 0; i < s.in_ranks.size(); ++i)
    if (s.in_ranks[i] != rank) return s.op + ": input " + std::to_string(i) + " has a different rank than the output";
  return cpu::require_axis(s, s.attrs.i("axis", 0), rank);
}

void run_concat(const KernelCall& c) {
  Tensor& Y = cpu::output(c, 0, "Concat");
  const cpu::AxisBlocks b = cpu::axis_blocks("Concat", Y, c.in, c.attrs.i("axis", 0), "input", "output");
  if (Y.numel() == 0) return;
  // The widest unit every input's block and offset, the row and every address allow.
  size_t unit = cuda::widest_unit({b.row, cuda::address_of(Y.data)});
  for (size_t i = 0, offset = 0; i < c.in.size(); ++i) {
    const size_t block = b.block(*c.in[i]);
    if (block != 0) unit = cuda::widest_unit({block, offset, cuda::address_of(c.in[i]->data)}, unit);
    offset += block;
  }
  const int64_t row = static_cast<int64_t>(b.row / unit);
  cuda::dispatch_unit(unit, [&](auto tag) {
    using T = decltype(tag);
    // Launches over batches of non-empty inputs.
    size_t next = 0, offset = 0;  // offset: bytes of the parts before `next` within a row
    while (next < c.in.size()) {
      ConcatParts<T> p{};
      int count = 0;
      int64_t largest = 0;  // units of the largest input of the batch
      for (; next < c.in.size() && count < kPartsPerLaunch; ++next) {
        const size_t block = b.block(*c.in[next]);
        offset += block;
        if (block == 0) continue;
        p.src[count] = static_cast<const T*>(c.in[next]->data);
        p.block[count] = static_cast<int64_t>(block / unit);
        p.offset[count] = static_cast<int64_t>((offset - block) / unit);
        if (b.outer * p.block[count] > largest) largest = b.outer * p.block[count];
        ++count;
      }
      if (count == 0) break;
      const dim3 grid(cuda::blocks_for(largest), static_cast<unsigned>(count));
      cuda::dispatch_index(largest, [&](auto index_tag) {
        using I = decltype(index_tag);
        SRT_LAUNCH(grid, cuda::kThreads, 0, cuda::stream_of(c), concat_kernel<T, I>)
        (p, static_cast<T*>(Y.data), b.outer, row);
      });
      cuda::check_launch("Concat");
    }
  });
}

}  // namespace

SRT_KERNEL("Concat", CUDA, supports_concat, run_concat);

}  // namespace srt
