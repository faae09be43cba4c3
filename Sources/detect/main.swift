print("detect: under construction")
