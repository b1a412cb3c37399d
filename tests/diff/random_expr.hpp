// Random pcap-filter expressions drawn from the grammar, for the randomized
// differential test.  Weighted toward primitives that hit the test captures,
// with enough odd corners (carried qualifiers, % and ^, encapsulations in
// the middle, bare numbers) to find differences in meaning, not just in
// spelling.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace fcap::test {

class RandomExpressions {
public:
    explicit RandomExpressions(std::uint64_t seed) : rng_(seed) {}
    std::string next();

private:
    std::string expression(int depth);
    std::string term(int depth);
    std::string primitive();
    std::string arith(int depth);
    std::string relation();
    std::string pick(std::initializer_list<const char*> options);
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

    std::mt19937_64 rng_;
};

}  // namespace fcap::test
