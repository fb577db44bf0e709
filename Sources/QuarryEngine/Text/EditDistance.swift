/// "Did you mean" for analyzer and stemmer names (the distance is `Suggest.distance`).

import QuarryBase

/// The candidate closest to `name` when it is close enough to be a likely typo
/// (distance at most 2, and less than half the name's length), else nil.
package func closestName(to name: String, among candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let d = Suggest.distance(name.lowercased(), candidate.lowercased())
        if best == nil || d < best!.1 { best = (candidate, d) }
    }
    guard let (candidate, d) = best, d <= 2, d * 2 < max(name.count, 2) + 1 else { return nil }
    return candidate
}
