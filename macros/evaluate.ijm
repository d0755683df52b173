// MedVP: score segmentations against ground truth: Dice and HD95 per case and region, plus a summary, as CSV.
//
//   ImageJ-linux64 --headless -macro evaluate.ijm "predictions=[/data/new-seg] truth=[/data/new] output=[/data/scores]"
// Arguments: predictions (folder of label maps; required), truth (manifest or folder with <case>_seg.nii.gz;
// required), output (folder for the CSV files; required), labels (brats, brats2023, binary, regions:... or
// classes:...; default brats).
args = getArgument();
predictions = call("ij.Macro.getValue", args, "predictions", "");
truth = call("ij.Macro.getValue", args, "truth", "");
output = call("ij.Macro.getValue", args, "output", "");
if (predictions == "" || truth == "" || output == "")
    exit("evaluate.ijm needs predictions=[folder] truth=[studies or manifest] output=[folder]");
labels = call("ij.Macro.getValue", args, "labels", "brats");

run("MedVP Evaluate (macro)", "task=segmentation predictions=[" + predictions + "] truth=[" + truth + "] labels=["
    + labels + "] output=[" + output + "]");
print(call("io.github.medvp.fiji.MacroBridge.output", "report"));
