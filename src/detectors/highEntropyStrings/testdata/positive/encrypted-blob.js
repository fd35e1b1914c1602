// Shows: a 240-character random-looking base64 literal (an encrypted payload or embedded key).
const sealed = 'gtD7fGUOv8fwNfBb0jXxUJR4QQAAabVVloZaXZxmCu1VShIqmArIntn9oX98WHgCtzC1uwB5FXZPf7stg7NvlE3LaruSrjLnonWKTn9UGKzEesg61SHE/qaQQ0NV3vTH1lS6V6+o9jl8zSOwW/rXL+iuItEnuj+hlrWB8gpj7ktsjs0sW5uqSVZu9kK1V1miDZU4XcXF8cVGROoX9YE17swJaevAszj0OvEmMlrltQ10v7SU';
module.exports = { sealed };
