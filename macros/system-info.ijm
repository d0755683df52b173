// MedVP: what this installation runs on (Java, DJL, PyTorch, devices, memory), written to a text file.
// Headless: ImageJ-linux64 --headless -macro system-info.ijm "output=/tmp/medvp-system.txt"
args = getArgument();
output = call("ij.Macro.getValue", args, "output", getDirectory("temp") + "medvp-system-info.txt");

run("MedVP System Info (macro)");
report = call("io.github.medvp.fiji.MacroBridge.output", "report");
File.saveString(report, output);
print("MedVP system information written to " + output);
