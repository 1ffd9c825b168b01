// A depth-first walk of a tree without recursion, for the writers, checkers, dumps and
// comparisons of nested values (body structures, search keys). The parsers bound nesting
// by parse_options::depth_limit() (never above max_depth_ceiling); a walk keeps the path
// from the root in a fixed array of MaxLevels frames instead of on the call stack, so the
// stack it uses does not depend on the depth, in any build (ASan's -O0 frames included),
// and a tree deeper than MaxLevels (only a caller can build one) is reported, not a crash.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mailwire::detail {

/// What a visitor's child() found.
enum class walk_step : std::uint8_t {
    child, ///< the child is in `c`: walk into it
    done,  ///< no more children
    stop,  ///< stop the walk (the visitor keeps why)
};

/// Walks the tree under `root` depth first. Nodes are small trivially copyable handles
/// (indexes) the visitor understands:
///
///   bool enter(Node n, std::size_t level)        before n's children (the root is level 0)
///   walk_step child(Node n, std::uint32_t k, Node& c)
///                                                child number k (from 0) of n into c; c
///                                                holds child k - 1 when k > 0
///   bool leave(Node n, std::uint32_t k, Node last, std::size_t level)
///                                                after n's k children (last: child k - 1)
///   bool too_deep(Node c)                        c would be at level MaxLevels: true skips
///                                                it, false stops the walk
///
/// enter() and leave() stop the walk by returning false. Returns whether the whole tree
/// was walked.
template <std::size_t MaxLevels, class Node, class Visitor>
constexpr bool walk_tree(Node root, Visitor& v) {
    static_assert(MaxLevels > 0);
    struct frame {
        Node node;
        Node cursor;
        std::uint32_t k;
    };
    frame stack[MaxLevels];
    std::size_t top = 0;
    if (!v.enter(root, 0)) return false;
    stack[top++] = frame{root, root, 0};
    while (top > 0) {
        frame& f = stack[top - 1];
        Node c = f.cursor;
        const walk_step step = v.child(f.node, f.k, c);
        if (step == walk_step::stop) return false;
        if (step == walk_step::done) {
            if (!v.leave(f.node, f.k, f.cursor, top - 1)) return false;
            --top;
            continue;
        }
        f.cursor = c;
        ++f.k;
        if (top == MaxLevels) {
            if (!v.too_deep(c)) return false;
            continue;
        }
        if (!v.enter(c, top)) return false;
        stack[top++] = frame{c, c, 0};
    }
    return true;
}

} // namespace mailwire::detail
