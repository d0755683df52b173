// MedVP: inspect every NIfTI volume of a folder (shape, spacing, affine, axis codes, statistics) as JSON files.
//
//   ImageJ-linux64 --headless -macro inspect-folder.ijm "folder=[/data/brats/case1] output=[/tmp/reports] ras"
// Arguments: folder (required), output (default: the folder), ras (present: report after reorientation to RAS).
args = getArgument();
folder = call("ij.Macro.getValue", args, "folder", "");
if (folder == "")
    exit("inspect-folder.ijm needs folder=[a folder of .nii/.nii.gz files]");
if (!endsWith(folder, "/")) folder = folder + "/";
output = call("ij.Macro.getValue", args, "output", folder);
if (!endsWith(output, "/")) output = output + "/";
File.makeDirectory(output);
ras = "";
if (indexOf(" " + args + " ", " ras ") >= 0) ras = " ras";

list = getFileList(folder);
count = 0;
for (i = 0; i < list.length; i++) {
    name = list[i];
    if (endsWith(name, ".nii.gz") || endsWith(name, ".nii")) {
        run("MedVP Inspect Volume (macro)", "file=[" + folder + name + "] format=json" + ras);
        File.saveString(call("io.github.medvp.fiji.MacroBridge.output", "report"), output + name + ".json");
        count++;
    }
}
print("inspected " + count + " volumes into " + output);
