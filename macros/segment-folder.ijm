// MedVP: segment every study of a folder (or a manifest) with a fine-tuned model; writes <case>_seg.nii.gz.
//
//   ImageJ-linux64 --headless -macro segment-folder.ijm "model=[/runs/seg/checkpoints/best.safetensors] input=[/data/new] output=[/data/new-seg]"
// Arguments: model (required), input (folder of studies, a manifest or one NIfTI; required), output (required),
// device (auto, cpu, gpu or gpu:N; default auto), more (further settings of "MedVP Segment", e.g.
// more=[probabilities blending=gaussian]; ./medvp help segment).
// Missing modalities are filled as the model's default fill says (or more=[fill=mean]).
// On a cluster, run one job per GPU (see docs/clusters.md).
args = getArgument();
model = call("ij.Macro.getValue", args, "model", "");
input = call("ij.Macro.getValue", args, "input", "");
output = call("ij.Macro.getValue", args, "output", "");
if (model == "" || input == "" || output == "")
    exit("segment-folder.ijm needs model=[checkpoint] input=[studies] output=[folder]");
device = call("ij.Macro.getValue", args, "device", "auto");
more = call("ij.Macro.getValue", args, "more", "");

setBatchMode(true);  // the label image the command returns stays off screen
run("MedVP Segment (macro)", "model=[" + model + "] input=[" + input + "] output=[" + output + "] device=" + device
    + " " + more);
print(call("io.github.medvp.fiji.MacroBridge.output", "summary"));
