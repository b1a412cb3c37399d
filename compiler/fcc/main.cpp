// fcc: compiles pcap-filter expressions.  Options are a table; the work
// lives in the library.
#include "fcc/fcc.hpp"

int main(int argc, char** argv) { return fcap::fcc::main(argc, argv); }
