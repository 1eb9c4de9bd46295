// Node attributes as the planner hands them over: already resolved (defaults applied, negative
// axes normalised, auto_pad turned into explicit pads, shape inputs turned into attributes).
// Numbers are stored as double (JavaScript numbers); i() truncates. Integers that a double
// cannot hold exactly (int64 beyond 2^53) arrive as BigInt and are kept exact (kind Int).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace srt {

struct Attr {
  enum Kind { Num, Nums, Str, Int } kind = Num;
  double num = 0;
  int64_t int_value = 0;  // kind Int
  std::vector<double> nums;
  std::string str;
};

// The values of a numeric attribute as integers (truncated like Attrs::i), without copying them.
class IntsView {
 public:
  IntsView() = default;
  IntsView(const double* p, size_t n) : p_(p), n_(n) {}
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t operator[](size_t i) const { return static_cast<int64_t>(p_[i]); }

 private:
  const double* p_ = nullptr;
  size_t n_ = 0;
};

class Attrs {
 public:
  void set(std::string name, Attr value) { items_.emplace_back(std::move(name), std::move(value)); }
  bool has(const std::string& name) const { return find(name) != nullptr; }
  // Was the attribute given as an exact integer (a BigInt from JavaScript)?
  bool is_int(const std::string& name) const {
    const Attr* a = find(name);
    return a && a->kind == Attr::Int;
  }
  // An integer attribute exactly: an Int as it is, a Num converted with saturation.
  int64_t exact_i(const std::string& name, int64_t def = 0) const;
  int64_t i(const std::string& name, int64_t def = 0) const;
  double f(const std::string& name, double def = 0) const;
  std::vector<int64_t> ints(const std::string& name) const;   // empty when absent
  IntsView ints_view(const std::string& name) const;          // the same, allocating nothing
  std::vector<double> floats(const std::string& name) const;  // empty when absent
  std::string s(const std::string& name, const std::string& def = "") const;
  const std::vector<std::pair<std::string, Attr>>& items() const { return items_; }

 private:
  const Attr* find(const std::string& name) const;
  std::vector<std::pair<std::string, Attr>> items_;
};

}  // namespace srt
