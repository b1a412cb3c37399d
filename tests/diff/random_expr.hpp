// Random pcap-filter expressions drawn from the whole grammar, for the
// randomized differential test.  Weighted toward primitives that hit the
// test captures (their addresses, ports, VLAN ids, MPLS labels), with the
// odd corners that find differences in meaning rather than in spelling:
// carried qualifiers (`host a or b`, `tcp port 80 or 443`, `not host a and
// b`), `%` and `^` without precedence, unary minus, encapsulations in the
// middle of an expression, names from /etc/services and libpcap's tables,
// value lists in parentheses (`host (a or not b)`, `port ((80) or 443)`),
// named port ranges (`portrange 25-smtp`), every MAC spelling of libpcap's
// scanner and the number and address spellings of docs/grammar.md.
// Some expressions are refused by libpcap; fcc must refuse those too.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>

namespace fcap::test {

class RandomExpressions {
public:
    explicit RandomExpressions(std::uint64_t seed) : rng_(seed) {}
    std::string next();

private:
    // What a bare id after `and`/`or` would inherit from the primitive
    // before it.
    enum class Carry { none, ipv4, ipv6, net, port, portrange, mac, proto, ethertype };

    std::string expression(int depth);
    std::string term(int depth);
    std::string primitive();
    std::string host();
    std::string port();
    std::string link();
    std::string protocol();
    std::string relation();
    std::string arith(int depth);
    std::string load(int depth);
    std::string bare_id();
    // `(a or not (b and c))`: values in parentheses, after qualifiers or
    // after and/or, taking the carried qualifiers (grammar.y's pid).
    std::string value_list(int depth);
    std::string number(std::uint32_t v);  // decimal, hex or octal

    std::string pick(std::initializer_list<const char*> options);
    bool chance(int percent) { return below(100) < percent; }
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

    std::mt19937_64 rng_;
    Carry carry_ = Carry::none;
};

}  // namespace fcap::test
