#pragma once

namespace fcap::fcc {
int main(int argc, char** argv);
}
