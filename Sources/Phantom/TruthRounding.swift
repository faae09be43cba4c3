/// Truth values are rounded where they are made (centroids to 0.001 px, sizes to 0.01 mm, …):
/// the JSON stays readable and states exactly what the generator used, with no 17-digit noise.
func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
