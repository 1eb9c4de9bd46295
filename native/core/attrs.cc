#include "attrs.h"

#include <cmath>
#include <limits>

namespace srt {

const Attr* Attrs::find(const std::string& name) const {
  for (const auto& [k, v] : items_)
    if (k == name) return &v;
  return nullptr;
}

int64_t Attrs::i(const std::string& name, int64_t def) const {
  const Attr* a = find(name);
  if (a && a->kind == Attr::Int) return a->int_value;
  return a && a->kind == Attr::Num ? static_cast<int64_t>(a->num) : def;
}

int64_t Attrs::exact_i(const std::string& name, int64_t def) const {
  const Attr* a = find(name);
  if (!a) return def;
  if (a->kind == Attr::Int) return a->int_value;
  if (a->kind != Attr::Num || std::isnan(a->num)) return def;
  if (a->num >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (a->num <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(a->num);
}

double Attrs::f(const std::string& name, double def) const {
  const Attr* a = find(name);
  if (a && a->kind == Attr::Int) return static_cast<double>(a->int_value);
  return a && a->kind == Attr::Num ? a->num : def;
}

std::vector<int64_t> Attrs::ints(const std::string& name) const {
  const Attr* a = find(name);
  std::vector<int64_t> out;
  if (!a) return out;
  if (a->kind == Attr::Num) return {static_cast<int64_t>(a->num)};
  for (double d : a->nums) out.push_back(static_cast<int64_t>(d));
  return out;
}

IntsView Attrs::ints_view(const std::string& name) const {
  const Attr* a = find(name);
  if (!a) return {};
  if (a->kind == Attr::Num) return {&a->num, 1};
  return {a->nums.data(), a->nums.size()};
}

std::vector<double> Attrs::floats(const std::string& name) const {
  const Attr* a = find(name);
  if (!a) return {};
  if (a->kind == Attr::Num) return {a->num};
  return a->nums;
}

std::string Attrs::s(const std::string& name, const std::string& def) const {
  const Attr* a = find(name);
  return a && a->kind == Attr::Str ? a->str : def;
}

}  // namespace srt
