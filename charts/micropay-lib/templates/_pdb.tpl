{{/* A PDB with a single replica would block node drains forever, so only with more than one. */}}
{{- define "micropay-lib.pdb" -}}
{{- $replicas := ternary .Values.autoscaling.minReplicas .Values.replicaCount .Values.autoscaling.enabled | int }}
{{- if and .Values.podDisruptionBudget.enabled (gt $replicas 1) }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "micropay-lib.fullname" . }}
  labels:
    {{- include "micropay-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "micropay-lib.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
