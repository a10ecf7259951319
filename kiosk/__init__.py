"""The SKM kiosk core: questionnaire, config, flow, queue, IKM engine and the `kiosk` command."""
