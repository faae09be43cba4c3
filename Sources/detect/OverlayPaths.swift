import FilmAnalysis
import Foundation

/// Where each film's overlay goes: the one `--overlay` path, or `--overlay-dir` mirroring the
/// input tree (`DIR/knee/a.dcm.overlay.png` for `films/knee/a.dcm` when `films` was given; a
/// film named directly goes to `DIR/<name>.overlay.png`). The label masks and outlines of
/// `--labels-dir` and `--outlines-dir` are placed the same way, with their own `suffix`;
/// `--dicom-dir` with an empty suffix, as the stem its `.seg.dcm`, `.sr.dcm` and `.sc.dcm` are
/// added to.
///
/// Two films can mirror onto one name (two folders given that both hold `a.png`, or names
/// differing only in case on a case-insensitive disk): the later one, in walk order, gets
/// `.2`, `.3`… before the suffix. The paths are chosen over the whole walk before sharding
/// and resuming, so every shard and every resumed run gives a film the same overlay path.
struct OverlayPaths {
    private var paths: [String: String] = [:]

    init(films: [BatchInput], single: String?, folder: String?, suffix: String = ".overlay.png") {
        if let single, let film = films.first {
            paths[film.path] = single
        } else if let folder {
            var used = Set<String>()
            for film in films {
                let mirrored = film.foundInFolder ? film.relativePath : (film.path as NSString).lastPathComponent
                var name = mirrored + suffix, n = 2
                while used.contains(name.lowercased()) {
                    name = "\(mirrored).\(n)\(suffix)"
                    n += 1
                }
                used.insert(name.lowercased())
                paths[film.path] = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            }
        }
    }

    subscript(film: String) -> String? { paths[film] }
}
